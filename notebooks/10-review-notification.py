# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Review a notification of final regulatory action
#
# For a task-group or contact-group expert. Pick a notification in the cell below and run
# all cells: you see its **Annex I** completeness (the Secretariat's check, Article 5.3),
# each **Annex II** criterion beside what the notification says, the rule-based **aid**
# (a pre-assessment, never a conclusion), the **recorded determinations** with their source
# and history — and you record your own determination into the register and render the
# **rationale**.
#
# Only the parameters cell needs editing. Under papermill the same cell takes parameters
# (`papermill 10-review-notification.ipynb out.ipynb -p notification_id THA-ENDOSULFAN-2004`;
# lists with `-y 'data_paths: [data/cases, my-cases]'`). Relative data paths are read from the
# workspace's root (the folder with `crc.toml`), or the repository's, wherever the kernel runs.

# %% tags=["parameters"]
notification_id: str = "NLD-ENDOSULFAN-2004"  # the notification to review (see the list printed below)
category: str = ""  # pesticide or industrial when the notification covers both; empty for its only one
data_paths: list = []  # case files, folders or bulk tables, from the workspace (or repository) root; empty: the workspace's data, else the sample data
# Recording a determination without the form (for scripted runs); leave record = False to only review.
record: bool = False  # True: record the determination below into the register
criterion: str = "(b)(iii)"  # (a), (b)(i)-(iii), (c)(i)-(iv), (d) or overall
status: str = "met"  # met | not_met | insufficient_information
justification: str = ""  # required unless met
references: list = []  # documents and pages relied on
recorded_by: str = ""  # who concludes: a name, or the task group
role: str = "task_group"  # task_group | contact_group | committee
render_rationale: bool = True  # write the rationale (HTML) into the output folder
output_dir: str = ""  # empty for the workspace's reports/ (or the repository's)

# %%
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from crc_tools import config
from crc_tools.workbench import (
    AID_NOTE,
    AlreadyRecorded,
    Workbench,
    determination_form,
    link,
    notification_review,
    out_path,
    record_determination,
)

pd.set_option("display.max_colwidth", 200)
wb = Workbench.load(data_paths)
print(f"Read {wb.data}; register: {wb.register_url or 'unavailable'}")
for note in wb.notes:
    print(note)
print("Notifications you can review:", ", ".join(wb.notification_ids()))

# %% [markdown]
# ## The notification

# %%
review = notification_review(wb, notification_id, category or None)
if review["annex_iii"]:  # said before the review starts: a listed chemical needs no review for listing in this category
    display(Markdown(f"**Annex III already lists this chemical.** {review['annex_iii'].removeprefix('note: ')}"))
display(pd.Series(review["identity"], name="").to_frame())

# %% [markdown]
# ## Annex I: the Secretariat's check (Article 5.3) and deadlines
# Items are required "where available" (Article 5.1): a missing item is listed, the Secretariat decides.

# %%
display(pd.Series(review["deadlines"], name="").to_frame())
display(review["annex_i"])

# %% [markdown]
# ## Annex II, criterion by criterion
# The **aid** reads the notification's content and says *supports*, *against* or *no evidence*.
# It is a pre-assessment to speed your reading — only the **recorded status** is a determination.

# %%
print(AID_NOTE)
display(review["criteria"])
display(pd.Series(review["conclusion"], name="Annex II conclusion").to_frame())

# %% [markdown]
# ## History in the register
# Every entry on this notification; corrections point to what they supersede (nothing is overwritten).

# %%
display(review["history"] if len(review["history"]) else Markdown("_No register entries yet._"))

# %% [markdown]
# ## Record a determination
# In JupyterLab use the form. For a scripted run set `record = True` and the fields in the parameters cell.

# %%
display(determination_form(wb, notification_id))
if record:  # re-running the notebook does not record the same determination twice
    try:
        entry = record_determination(
            wb, notification_id, criterion, status, justification=justification, references=references,
            recorded_by=recorded_by, role=role, category=category,
        )
        print(f"Recorded register entry {entry.entry_id}: {entry.criterion} {entry.status} by {entry.recorded_by} ({entry.role}).")
    except AlreadyRecorded as exc:
        print(f"Not recorded again: {exc.message}")
    wb = Workbench.load(data_paths)
    review = notification_review(wb, notification_id, category or None)
    display(review["criteria"][["criterion", "recorded status", "justification", "source"]])

# %% [markdown]
# ## The rationale
# One block per Annex II criterion with its recorded conclusion and justification, and the overall conclusion.

# %%
if render_rationale:
    from crc_tools.documents.render import render

    rendered = render(document="rationale", notification_id=notification_id, category=category or None, data=wb.intake, out=out_path(output_dir) or config.reports_dir(), formats=("html",))
    for fmt, path in rendered.paths.items():
        display(link(path, f"rationale ({fmt}): {Path(path).name}"))
