"""The 任务书 (project agreement): what the bureau issues to an undertaking unit and the unit fills.

services   writes: create, save a section, submit / return / approve
selectors  reads: the 附表 with its totals, the page's context
rules      the 任务书's rules (20% equipment share, staff caps), owned here and passed to the page as data
forms      the page's sections as Django forms
views      the page, its saves, the Word download and the PDF job's start
docx       the Word document; form_text the form's printed wording
The models stay in projects.models.
"""
