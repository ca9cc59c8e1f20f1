//! The functions poll area (see /work/notes/issue3.md for the contract).

use super::{Collected, RegionClients, Shared};

pub async fn collect(_shared: &Shared, clients: &RegionClients) -> Collected {
    let mut collected = Collected::default();
    collected.inventory.regions.push(clients.region.clone());
    collected
}
