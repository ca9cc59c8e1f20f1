//! Headless `parapet scan`: one full collection, then a snapshot.
