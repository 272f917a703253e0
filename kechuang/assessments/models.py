"""The assessment app keeps no models of its own: the registry's assessment runs and
snapshots are shared by every capability and live with the registry
(`kechuang.enterprises.models.AssessmentRun` / `AssessmentSnapshot`)."""
