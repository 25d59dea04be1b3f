"""The three everyday uses: pre-review self-audit (--since; the git comparison itself is
``project.since``, which the audit applies), adopting on legacy code (baselines), and
onboarding (the learn walkthrough)."""
