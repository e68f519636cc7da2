"""Builder step pairing each ECT with mentors at their school, once a chunk of people is drawn."""

from __future__ import annotations

import datetime as dt

from demo.generator.records import earliest_end
from participants.models import Mentorship


class Mentorships:
    """Part of Builder, which holds the state and the random helpers these steps use."""

    def assign_mentors(self) -> None:
        """Each ECT gets a mentor at their school from when both are there; a second when the first leaves."""
        for school_pk, ects in self.chunk.ects_at.items():
            mentors = self.chunk.mentors_at.get(school_pk, [])
            for ect in ects:
                mentor, starts = self.mentor_from(mentors, ect.started_on, ect.finished_on)
                if mentor is None:
                    continue
                ends = earliest_end(ect.finished_on, mentor.finished_on)
                self.mentorship(ect, mentor, starts, ends)
                if ends is not None and ends != ect.finished_on:
                    following = ends + dt.timedelta(days=1)
                    covering = [m for m in mentors if m is not mentor and m.contains(following)]
                    if covering:
                        successor = self.rng.choice(covering)
                        self.mentorship(ect, successor, following, earliest_end(ect.finished_on, successor.finished_on))

    def mentor_from(self, mentors, day, until):
        covering = [m for m in mentors if m.contains(day)]
        if covering:
            return self.rng.choice(covering), day
        later = [m for m in mentors if m.started_on > day and (until is None or m.started_on <= until)]
        if later:
            first = min(later, key=lambda m: m.started_on)
            return first, first.started_on
        return None, None

    def mentorship(self, ect, mentor, started_on, finished_on) -> None:
        self.chunk.mentorships.append(
            Mentorship(
                ect_school_period=ect,
                mentor_school_period=mentor,
                started_on=started_on,
                finished_on=finished_on,
                created_at=self.moment(self.registered_before(started_on)),
            )
        )
        ect.demo_person.days += [started_on, finished_on]
