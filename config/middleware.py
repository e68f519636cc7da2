"""Every page and API response the app builds may show personal data, so no browser or proxy keeps a copy.

It sits below WhiteNoise in MIDDLEWARE, so static files never reach it and keep their long cache lifetimes.
"""


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Replaces any laxer caching a view chose; `no-store` alone already forbids every copy.
        response["Cache-Control"] = "no-store"
        return response
