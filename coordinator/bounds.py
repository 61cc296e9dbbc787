"""The limits of what the network accepts from a calendar file or a form, in one place
(docs/0003-icalendar.md names them). Past a limit comes one clear message, never a hang,
an overflow or a traceback: a partner's file may be broken, or made to break us."""

FIRST_YEAR = 1900  # dates outside these years are refused (the year 1 and 9999 overflow)
LAST_YEAR = 2200
MAX_OCCURRENCES = 10_000  # occurrences of one series (COUNT, or what UNTIL gives)
MAX_INTERVAL = 1_000  # INTERVAL of a recurrence rule
MAX_EVENT_DAYS = 366  # the length of one event (DTEND or DURATION)
MAX_SEQUENCE = 2_147_483_647  # SEQUENCE: what every database's integer holds
MAX_ATTENDEES = 2_000  # attendees of one event
MAX_SECONDS_PER_FILE = 60  # reading one calendar file (the 50 MB limit reads in about 3 s)
TITLE_LENGTH = 200  # kept of SUMMARY; longer ones are cut, and the preview says so
PLACE_LENGTH = 300  # of LOCATION
NOTES_LENGTH = 5_000  # of DESCRIPTION
