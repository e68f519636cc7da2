"""The app's URLs plus one view that fails the way a real one might: with someone's details at hand."""

from django.contrib.auth import get_user_model
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@csrf_exempt  # posted without a form, as a client script would
def register_and_fail(request):
    # Looks the person up by their email (an SQL parameter), then fails with their name and TRN in the message.
    get_user_model().objects.filter(email=request.POST.get("email", "")).exists()
    raise ValueError(f"Could not register {request.POST.get('full_name')} ({request.GET.get('trn')})")


urlpatterns = [path("fails/", register_and_fail), *urlpatterns]
