//! The live source: schedules the poll areas per region and streams batches.
