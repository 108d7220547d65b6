"""The golden layout set of issue 11: documents of other provinces' form layouts in every input
kind, with expected records. See build.py for the commands."""
