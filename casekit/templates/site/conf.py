# Sphinx configuration of the kit's static site, copied into build/site-src/ by casekit/site.py.
# Offline by design: notebooks are rendered from their stored outputs (nothing executes), MathJax is
# served from the site's own _static/ folder, and no theme feature that links to a remote service is on.

project = "casekit"
author = "casekit authors"
language = "en"
html_title = "casekit"
smartquotes = False  # quotes exactly as the kit writes them (as in the handouts)

extensions = ["myst_nb"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build"]

# notebooks: stored outputs only
nb_execution_mode = "off"
nb_merge_streams = True
nb_output_stderr = "remove"

# MyST: dollar maths only for the tool notebooks' equations. A '$' followed or preceded by a space never
# opens or closes maths, so amounts such as "$1.3 billion and $250 million" stay text (the kit's own
# renderers emit '<span>&#36;</span>' in any case).
myst_enable_extensions = ["dollarmath"]
myst_dmath_allow_space = False
myst_dmath_allow_digits = False
myst_dmath_double_inline = True
myst_heading_anchors = 3

# MathJax 3 from django-static-mathjax, copied to _static/mathjax/ (never a CDN)
mathjax_path = "mathjax/tex-svg.js"

html_theme = "sphinx_book_theme"
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_source_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "launch_buttons": {},
}
html_static_path = ["_static"]
html_css_files = ["casekit.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None

suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "misc.highlighting_failure"]
