"""Demo content: three issues of the periodical, people, topics, events and one login per role.

The content is data, in the TOML files of this package (:mod:`website.demo.content` reads them);
:func:`load` writes it to the database, so that a second run updates rows in place and creates
nothing new. All text was written for this demo; names, figures and quotations are invented.
"""

from website.demo.loader import load

__all__ = ["load"]
