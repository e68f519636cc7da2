"""The school portal: school staff keep their own ECTs' and mentors' records right (issue #7)."""
