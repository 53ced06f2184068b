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
# # Secretariat: render draft DGDs and the six-monthly synopsis
#
# Draft decision guidance documents (Article 7.1) for the chosen chemicals — by default every
# chemical the committee's conclusions recommend — the SHPF variant for every severely
# hazardous pesticide formulation whose proposal meets Annex IV Part 3 (Article 6.5), and the
# synopsis of notifications received in a period (Article 5.4), in HTML and DOCX, with a
# progress bar (and a static summary of it in the saved notebook).

# %% tags=["parameters"]
data_paths: list = []  # case files, folders or bulk tables, from the workspace (or repository) root; empty: the workspace's data, else the sample data
chemicals: list = []  # e.g. ["Chrysotile asbestos"]; empty for every recommended chemical not yet in Annex III
formulations: list = []  # SHPF DGDs, e.g. ["Gramoxone Super"]; empty for every recommended formulation not yet in Annex III (when chemicals is empty too)
include_listed: bool = False  # also draft for chemicals already listed (a revision)
synopsis_from: str = ""  # YYYY-MM-DD; empty for the half-year of the latest notification
synopsis_to: str = ""  # YYYY-MM-DD; empty for six months after synopsis_from
formats: list = ["html", "docx"]  # any of html, docx, ipynb, pdf
output_dir: str = ""  # empty for the workspace's reports/ (or the repository's)

# %%
import datetime as dt

from IPython.display import display

from crc_tools import config
from crc_tools.documents.casedata import CaseData
from crc_tools.documents.render import Failed, Request, render_many
from crc_tools.documents.shpf_dgd import recommended_formulations
from crc_tools.workbench import Progress, link, out_path
from crc_tools.workbench import data_paths as resolve_data

data = CaseData.load(resolve_data(data_paths) or None)
chosen = bool(chemicals or formulations)
wanted = [(c, None) for c in chemicals] if chosen else data.recommended(include_listed=include_listed)
requests = [Request(kind="dgd", chemical=c, category=cat) for c, cat in wanted]
shpf = formulations if chosen else recommended_formulations(data, include_listed=include_listed)
requests += [Request(kind="dgd", chemical=name, category="shpf", variant="shpf") for name in shpf]
requests.append(Request(kind="synopsis", date_from=dt.date.fromisoformat(synopsis_from) if synopsis_from else None, date_to=dt.date.fromisoformat(synopsis_to) if synopsis_to else None))
print(f"{len(requests) - 1} draft DGD(s) ({len(shpf)} of severely hazardous pesticide formulations) and the synopsis")

# %%
out = out_path(output_dir) or config.reports_dir()
written, failed = [], []
bar = Progress(len(requests), "rendering")
for req, res in zip(requests, render_many(requests, data=data, out=out, formats=tuple(formats)), strict=True):
    bar.update(1)
    if isinstance(res, Failed):
        failed.append(f"{req.label}: {res.message}")
    else:
        written.extend(res.paths.values())
bar.close(f"{len(written)} file(s) written" + (f", {len(failed)} failed" if failed else ""))
for path in written:
    display(link(path))
if failed:
    print("failed:", *failed, sep="\n  ")
