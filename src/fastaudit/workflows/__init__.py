"""The three everyday uses: pre-review self-audit (--since), adopting on legacy code
(baselines), and onboarding (the learn walkthrough)."""
