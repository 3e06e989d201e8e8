"""casekit: a case-study teaching kit on U.S. security assistance and cooperation.

Modules
-------
paths        where the kit's folders are (data/, cases/, notebooks/ ...)
data         load and validate the cited tables in data/, plus query helpers
mywork       copy notebooks into the learner's own my-work/ folder, never overwriting
style        colour-blind-safe palette, fonts and alt text for figures
"""

__version__ = "0.1.0"
