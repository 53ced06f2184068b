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
# # Prepare a meeting: every chemical under review
#
# The two-PIC-region status per chemical and category (Article 5.5–5.6), what is still
# missing, the Secretariat's open deadlines, the criterion-by-notification matrix, and the
# task-group analysis table exported to XLSX for the pre-meeting.

# %% tags=["parameters"]
data_paths: list = []  # case files, folders or bulk tables, from the workspace (or repository) root; empty: the workspace's data, else the sample data
chemical: str = ""  # one chemical for the matrix and analysis table; empty for every chemical
export_path: str = ""  # where to write the XLSX; empty for reports/analysis-table-<chemical>.xlsx

# %%
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from crc_tools.charts import criteria_matrix, use_offline_renderer
from crc_tools.workbench import Workbench, chemical_matrices, export_analysis_table, link, meeting_overview

use_offline_renderer()  # house theme, static SVG: nothing loaded from the internet
pd.set_option("display.max_colwidth", 120)
wb = Workbench.load(data_paths)
print(f"Read {wb.data}")
for note in wb.notes:
    print(note)
overview = meeting_overview(wb)

# %% [markdown]
# ## Two-region status (notifications)

# %%
display(overview["status"][["chemical", "category", "regions_verified", "regions_meeting_criteria", "forward_to_crc", "recommend_listing", "listed_in_annex_iii", "stage", "missing"]])

# %% [markdown]
# ## SHPF proposals (Article 6: Part 3 alone decides)

# %%
props = overview["proposals"]
display(props[["chemical", "parties", "forward_to_crc", "recommend_listing", "listed_in_annex_iii", "annex_iii_wording"]] if len(props) else Markdown("_No proposals loaded._"))

# %% [markdown]
# ## Awaiting a second PIC region (PIC Circular Appendix V) and open deadlines

# %%
display(overview["awaiting"][["chemical", "category", "regions_verified", "missing"]] if len(overview["awaiting"]) else Markdown("_None._"))
display(overview["deadlines"] if len(overview["deadlines"]) else Markdown("_No open or missed deadline._"))

# %% [markdown]
# ## Criterion-by-notification matrix, per chemical (recorded determinations and the overall conclusion)

# %%
matrices = chemical_matrices(wb, chemical or None)
for m in matrices:
    display(criteria_matrix(m["cells"], title=m["title"]))
if not matrices:
    display(Markdown("_No notifications._"))

# %% [markdown]
# ## Task-group analysis table (XLSX)

# %%
path = export_analysis_table(wb, export_path or None, chemical or None)
display(link(path, f"analysis table: {Path(path).name}"))
