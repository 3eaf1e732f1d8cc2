"""Validation sets of roadhealth.detect (scripts; see docs/detection.md, "Validation results")."""
