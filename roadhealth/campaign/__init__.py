"""Campaigns: a folder of surveys and tables in, anomalies, a plan, depth slices and a report out.

:func:`load_campaign` describes a campaign folder (``campaign.toml`` or convention);
:func:`run_campaign` runs it, resumably, on dask threads or a ``dask.distributed`` cluster. The
command line is ``roadhealth run CAMPAIGN --out OUT``; ``docs/campaign.md`` documents the folder
layout, the outputs and the cluster setup.
"""

from roadhealth.campaign.config import Campaign, CampaignError, load_campaign
from roadhealth.campaign.runner import ENV_SCHEDULER, OUTPUTS, RunResult, run_campaign

__all__ = ["ENV_SCHEDULER", "OUTPUTS", "Campaign", "CampaignError", "RunResult", "load_campaign", "run_campaign"]
