"""Builder steps for lead providers, delivery partners, schools and their partnerships."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from demo.generator.copying import copy_rows
from demo.generator.records import cohort_for, school_api_id, slug
from demo.generator.reference import (
    APPROPRIATE_BODIES,
    DELIVERY_PARTNERS,
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_PROVIDERS,
    NAMESPACE,
    SCHOOL_KINDS,
    SCHOOL_PLACES,
)
from schedules.reference import FIRST_COHORT, LAST_COHORT
from schools.models import (
    AppropriateBody,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
)


class Organisations:
    """Part of Builder, which holds the state and the random helpers these steps use."""

    def organisations(self) -> None:
        """Lead providers, delivery partners and their pairings: the same for every seed, and kept between runs."""
        self.lead_providers = [
            LeadProvider.objects.get_or_create(
                name=name, defaults={"api_id": uuid.uuid5(NAMESPACE, f"lead-provider:{name}")}
            )[0]
            for name in LEAD_PROVIDERS
        ]
        partners = [
            DeliveryPartner.objects.get_or_create(
                name=name, defaults={"api_id": uuid.uuid5(NAMESPACE, f"delivery-partner:{name}")}
            )[0]
            for name in DELIVERY_PARTNERS
        ]
        fixed = random.Random("delivery partner pairings")
        self.pairings: dict[tuple[int, int], list[DeliveryPartner]] = {}
        rows = []
        for lead_provider in self.lead_providers:
            current = fixed.sample(partners, 4)
            for cohort in range(FIRST_COHORT, LAST_COHORT + 1):
                # Now and then a provider swaps one delivery partner for another from one cohort to the next.
                if cohort > FIRST_COHORT and fixed.random() < 0.3:
                    current = current[1:] + [fixed.choice([p for p in partners if p not in current])]
                self.pairings[(lead_provider.pk, cohort)] = list(current)
                rows += [
                    LeadProviderDeliveryPartnership(lead_provider=lead_provider, delivery_partner=p, cohort_id=cohort)
                    for p in current
                ]
        LeadProviderDeliveryPartnership.objects.bulk_create(rows, ignore_conflicts=True)

    def schools(self, count: int) -> None:
        taken = set(School.objects.values_list("urn", flat=True))
        urns = [
            urn for urn in map(str, self.rng.sample(range(100000, 1000000), count + len(taken))) if urn not in taken
        ][:count]
        kinds, weights = zip(*SCHOOL_KINDS, strict=True)
        self.school_list, self.school_domain, self.school_body = [], {}, {}
        for urn in urns:
            name = f"{self.rng.choice(SCHOOL_PLACES)} {self.rng.choices(kinds, weights)[0]}"
            domain = f"{slug(name)}.example"
            tutor_first, tutor_last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            school = School(
                api_id=school_api_id(urn),
                urn=urn,
                name=name,
                induction_tutor_name=f"{tutor_first} {tutor_last}",
                induction_tutor_email=f"{slug(tutor_first)}.{slug(tutor_last)}@{domain}",
            )
            self.school_list.append(school)
            self.school_domain[urn] = domain
            self.school_body[urn] = self.rng.choice(APPROPRIATE_BODIES)
        copy_rows(School, self.school_list)
        self.summary.schools = len(self.school_list)
        # The demo's hubs join the reference list schools choose from (reference rows: reseeding keeps them).
        AppropriateBody.objects.bulk_create(
            [AppropriateBody(name=name) for name in sorted(set(APPROPRIATE_BODIES))], ignore_conflicts=True
        )
        self.appropriate_bodies = {
            body.name: body for body in AppropriateBody.objects.filter(name__in=APPROPRIATE_BODIES)
        }

        eligibilities = [
            SchoolFundingEligibility(
                school=school,
                cohort_id=cohort,
                pupil_premium_uplift=self.rng.random() < 0.5,
                sparsity_uplift=self.rng.random() < 0.2,
            )
            for cohort in self.uplift_cohorts
            for school in self.school_list
            if self.rng.random() < 0.4
        ]
        copy_rows(SchoolFundingEligibility, eligibilities)

        # Each school chooses one provider per cohort, mostly the same again (rolling the partnership
        # over), and the provider confirms it with a partnership.
        last_cohort = cohort_for(self.ahead(150))
        for cohort in range(FIRST_COHORT, last_cohort + 1):
            rows, choices = [], []
            for school in self.school_list:
                lead_provider = self.preferred_lead_provider(school, cohort)
                previous = self.partnerships.get((school.pk, lead_provider.pk, cohort - 1))
                partnership = self.new_partnership(school, lead_provider, cohort, previous)
                rows.append(partnership)
                choices.append(
                    SchoolCohortChoice(
                        school=school,
                        cohort_id=cohort,
                        induction_programme_choice=SchoolCohortChoice.InductionProgramme.PROVIDER_LED,
                        lead_provider=lead_provider,
                        delivery_partner=partnership.delivery_partner,
                        created_at=partnership.created_at,
                        updated_at=partnership.created_at,
                    )
                )
            copy_rows(Partnership, rows)
            copy_rows(SchoolCohortChoice, choices)
            self.summary.partnerships += len(rows)

    def preferred_lead_provider(self, school: School, cohort: int) -> LeadProvider:
        key = (school.pk, cohort)
        if key not in self.preferred:
            previous = self.preferred.get((school.pk, cohort - 1))
            self.preferred[key] = previous if previous and self.rng.random() < 0.85 else self.pick_lead_provider()
        return self.preferred[key]

    def new_partnership(self, school, lead_provider, cohort, previous=None) -> Partnership:
        partners = self.pairings[(lead_provider.pk, cohort)]
        rolled_over = previous is not None and previous.delivery_partner in partners and self.rng.random() < 0.8
        created_on = self.day_between(dt.date(cohort, 3, 1), dt.date(cohort, 8, 31))
        partnership = Partnership(
            api_id=self.uuid(),
            school=school,
            lead_provider=lead_provider,
            delivery_partner=previous.delivery_partner if rolled_over else self.rng.choice(partners),
            cohort_id=cohort,
            created_by=Partnership.CreatedBy.SCHOOL_ROLL_OVER if rolled_over else Partnership.CreatedBy.LEAD_PROVIDER,
            rolled_over_from=previous if rolled_over else None,
            created_at=self.moment(created_on),
        )
        partnership.updated_at = partnership.created_at
        self.partnerships[(school.pk, lead_provider.pk, cohort)] = partnership
        return partnership

    def partnership(self, school: School, cohort: int, lead_provider: LeadProvider | None = None) -> Partnership:
        lead_provider = lead_provider or self.preferred_lead_provider(school, cohort)
        existing = self.partnerships.get((school.pk, lead_provider.pk, cohort))
        if existing is not None:
            return existing
        partnership = self.new_partnership(school, lead_provider, cohort)
        self.chunk.partnerships.append(partnership)
        self.summary.partnerships += 1
        return partnership

    def other_lead_provider(self, school, cohort, exclude: LeadProvider) -> LeadProvider:
        """A second provider for a school and cohort, never one the school only named (an EOI)."""
        blocked = {exclude} | {
            lp for lp in self.lead_providers if (school.pk, lp.pk, cohort) in self.expressions_of_interest
        }
        return self.pick_lead_provider(exclude=blocked)

    def usable(self, school, cohort, lead_provider) -> bool:
        return (school.pk, lead_provider.pk, cohort) not in self.expressions_of_interest

    def another_school(self, school: School) -> School:
        while True:
            other = self.rng.choice(self.school_list)
            if other is not school or len(self.school_list) == 1:
                return other
