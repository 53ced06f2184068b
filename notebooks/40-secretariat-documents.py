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
# chemical the committee's conclusions recommend — and the synopsis of notifications
# received in a period (Article 5.4), in HTML and DOCX, with a progress bar.

# %% tags=["parameters"]
data_paths: list = []  # case files, folders or bulk tables; empty for the shipped sample data (data/cases)
chemicals: list = []  # e.g. ["Chrysotile asbestos"]; empty for every recommended chemical not yet in Annex III
include_listed: bool = False  # also draft for chemicals already listed (a revision)
synopsis_from: str = ""  # YYYY-MM-DD; empty for the half-year of the latest notification
synopsis_to: str = ""  # YYYY-MM-DD; empty for six months after synopsis_from
formats: list = ["html", "docx"]  # any of html, docx, ipynb, pdf
output_dir: str = ""  # empty for reports/

# %%
import datetime as dt

from tqdm.auto import tqdm

from crc_tools import config
from crc_tools.documents.casedata import CaseData
from crc_tools.documents.render import Failed, Request, render_many

data = CaseData.load(data_paths or None)
wanted = [(c, None) for c in chemicals] if chemicals else data.recommended(include_listed=include_listed)
requests = [Request(kind="dgd", chemical=c, category=cat) for c, cat in wanted]
requests.append(Request(kind="synopsis", date_from=dt.date.fromisoformat(synopsis_from) if synopsis_from else None, date_to=dt.date.fromisoformat(synopsis_to) if synopsis_to else None))
print(f"{len(requests) - 1} draft DGD(s) and the synopsis")

# %%
out = output_dir or config.reports_dir()
written, failed = [], []
with tqdm(total=len(requests), desc="rendering") as bar:
    for req, res in zip(requests, render_many(requests, data=data, out=out, formats=tuple(formats)), strict=True):
        bar.update(1)
        if isinstance(res, Failed):
            failed.append(f"{req.label}: {res.message}")
        else:
            written.extend(str(p) for p in res.paths.values())
print("written:", *written, sep="\n  ")
if failed:
    print("failed:", *failed, sep="\n  ")
