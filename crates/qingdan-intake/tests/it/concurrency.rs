//! 16 clients send 5,000 packets at once over TCP: 20 % are re-sends of
//! the same bytes and 1 % reuse an id with other content. Exactly the
//! unique packets are stored; every copy of a packet gets the same
//! receipt; every request carrying content that lost its id gets 409.

use crate::load::{check_outcome, listen, send_all, stored, uploads};
use crate::support::{Db, on_both, world};

on_both!(concurrent_uploads_store_each_packet_exactly_once);

async fn concurrent_uploads_store_each_packet_exactly_once(db: Db) {
    let w = world(db).await;
    let uploads = tokio::task::block_in_place(|| uploads(&w));
    let url = listen(&w).await;
    let results = tokio::task::block_in_place(|| send_all(&[url], uploads));
    let stored = stored(w.intake.store()).await;
    assert_eq!(stored.len(), 3950);
    let (created, duplicate, conflict) = check_outcome(&results, &stored, w.intake.public_key());
    assert_eq!((created, duplicate + conflict), (3950, 1050));
    assert!(
        conflict >= 1,
        "some requests met another content under their id"
    );
}
