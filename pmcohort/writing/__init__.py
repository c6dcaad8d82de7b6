"""Written work: engineers write PM documents, mentors review them against the kind's rubric, approved
versions go into a shareable portfolio."""
