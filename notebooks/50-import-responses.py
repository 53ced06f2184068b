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
# # Secretariat: import responses — who has answered, who is overdue
#
# Each Party transmits, within nine months of the dispatch of a decision guidance document, a
# response on the future import of the chemical (Article 10.2); the Secretariat asks those who
# have not (Article 10.3) and publishes every response and every failure in the PIC Circular
# (Article 10.10). This notebook shows, as of a date, the Parties' current responses and the
# failures to respond, by PIC region and chemical. Where the dispatch date or a Party's date of
# entry into force is not established, whether it is overdue is "not established": nothing is guessed.

# %% tags=["parameters"]
data_paths: list = []  # import responses: case files, folders or bulk tables, from the workspace (or repository) root; empty: the workspace's data, else the shipped sample (data/cases/responses)
as_of: str = ""  # YYYY-MM-DD; empty for today
chemicals: list = []  # Annex III entries by name, CAS number or HS code; empty for every entry
export_path: str = ""  # write the table of failures to this .csv or .xlsx file (empty: do not write)

# %%
import datetime as dt

import pandas as pd

from crc_tools import charts, config, workspace
from crc_tools.intake.reader import load
from crc_tools.responses.dates import DUE_RULE, parties
from crc_tools.responses.status import from_intake, overdue_by_region, response_status
from crc_tools.workbench import data_paths as resolve_data

charts.use_offline_renderer()
day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
paths = resolve_data(data_paths) or ([] if workspace.current() else [config.cases_dir() / "responses"])  # from the workspace (or repository) root
intake = load(paths or None, kinds={"import_response"})
for problem in intake.problems:
    print(problem.format())
responses = from_intake(intake)
status = response_status(responses, as_of=day, chemicals=chemicals or None)
table = parties()
print(f"As of {day}: {len(responses)} response(s) read; {status['party'].nunique()} Parties x {status['entry_id'].nunique()} Annex III entries.")
print(f"Due: {DUE_RULE}.")
if not table.available:
    print(f"The Parties table ({table.source}) is not available: only responding States are listed and no due date is established.")

# %% [markdown]
# ## Where the status stands

# %%
summary = pd.DataFrame({
    "answered": [int(status["decision"].notna().sum())],
    "overdue": [int(status["overdue"].fillna(False).astype(bool).sum())],
    "not yet due": [int(((status["overdue"] == False) & status["decision"].isna()).fillna(False).sum())],  # noqa: E712
    "not established": [int(status["overdue"].isna().sum())],
})
summary

# %% [markdown]
# ## Who is overdue, by PIC region and chemical

# %%
by_region = overdue_by_region(status)
by_region.pivot_table(index="pic_region", columns="chemical", values="parties_overdue", aggfunc="sum", fill_value=0) if len(by_region) else "No Party is overdue."

# %%
charts.failures_to_respond(by_region.to_dict("records")) if len(by_region) else None

# %% [markdown]
# ## The failures, Party by Party

# %%
failures = status[status["overdue"].fillna(False).astype(bool)][["party", "pic_region", "chemical", "category", "due_date"]].sort_values(["chemical", "party"])
if export_path:
    from crc_tools.output import write_text_atomic, write_xlsx_atomic

    if export_path.endswith(".xlsx"):
        write_xlsx_atomic(export_path, {"failures to respond": failures})
    else:
        write_text_atomic(export_path, failures.to_csv(index=False))
    print(f"written: {export_path}")
failures.head(50)
