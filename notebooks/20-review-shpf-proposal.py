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
# # Review a severely hazardous pesticide formulation proposal
#
# Article 6 and Annex IV: only a developing country or an economy in transition may propose,
# and **one verified proposal is enough** — there is no two-region rule. You see Part 1
# completeness, the Part 2 information the Secretariat is collecting, the incident table,
# effects against the quantity used (criterion (d)), and each **Part 3** criterion with the
# aid beside the recorded determinations; then record your own.

# %% tags=["parameters"]
proposal_id: str = "TCD-FENTHION-640-ULV-2012"  # the proposal to review
data_paths: list = []  # case files, folders or bulk tables, from the workspace (or repository) root; empty: the workspace's data, else the sample data
record: bool = False  # True: record the determination below into the register
criterion: str = "(a)"  # (a)-(e) or overall
status: str = "met"  # met | not_met | insufficient_information
justification: str = ""  # required unless met
references: list = []  # documents and pages relied on
recorded_by: str = ""  # who concludes: a name, or the task group
role: str = "task_group"  # task_group | contact_group | committee

# %%
import pandas as pd
from IPython.display import Markdown, display

from crc_tools.workbench import AID_NOTE, AlreadyRecorded, Workbench, determination_form, proposal_review, record_determination

pd.set_option("display.max_colwidth", 200)
wb = Workbench.load(data_paths)
print(f"Read {wb.data}; register: {wb.register_url or 'unavailable'}")
print("Proposals you can review:", ", ".join(wb.proposal_ids()))
review = proposal_review(wb, proposal_id)
display(pd.Series(review["identity"], name="").to_frame())

# %% [markdown]
# ## Annex IV Part 1 (Article 6.2) and the Part 2 collection (Article 6.3)

# %%
display(review["part1"])
display(review["part2"])

# %% [markdown]
# ## Incidents (Part B reports) and effects against the quantity used

# %%
display(review["incidents"] if len(review["incidents"]) else Markdown("_No Part B incident reports._"))
display(review["effects"])

# %% [markdown]
# ## Annex IV Part 3, criterion by criterion

# %%
print(AID_NOTE)
display(review["criteria"])
display(pd.Series(review["conclusion"], name="Part 3 conclusion").to_frame())
display(review["history"] if len(review["history"]) else Markdown("_No register entries yet._"))

# %% [markdown]
# ## Record a determination

# %%
display(determination_form(wb, proposal_id, subject_kind="shpf_proposal"))
if record:  # re-running the notebook does not record the same determination twice
    try:
        entry = record_determination(wb, proposal_id, criterion, status, justification=justification, references=references,
                                     recorded_by=recorded_by, role=role, subject_kind="shpf_proposal")
        print(f"Recorded register entry {entry.entry_id}: {entry.criterion} {entry.status} by {entry.recorded_by} ({entry.role}).")
    except AlreadyRecorded as exc:
        print(f"Not recorded again: {exc.message}")
