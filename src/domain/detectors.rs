//! Secret detectors over environment variables and stage variables.
