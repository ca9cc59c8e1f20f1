//! Lambda runtime deprecation table.
