"""What builds the course: catalogs, the build, the student and self-study views."""
