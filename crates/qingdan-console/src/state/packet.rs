//! A packet's page: its score sheet as the intake re-scored it, or why it
//! could not be read.

use std::rc::Rc;

use yew::Reducible;

use crate::api::ApiError;
use crate::api_reports::PacketSheet;

/// What the packet page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PacketState {
    /// The sheet, once read.
    pub sheet: Option<PacketSheet>,
    /// Why it could not be.
    pub error: Option<ApiError>,
    /// It is being read.
    pub loading: bool,
}

/// What happens on the packet page.
#[derive(Debug, Clone)]
pub enum PacketAction {
    /// A packet's sheet was asked for (another packet's is dropped).
    Loading,
    /// It was read.
    Loaded(Box<PacketSheet>),
    /// It could not be.
    Failed(ApiError),
}

impl Reducible for PacketState {
    type Action = PacketAction;

    fn reduce(self: Rc<Self>, action: PacketAction) -> Rc<Self> {
        let next = match action {
            PacketAction::Loading => PacketState {
                loading: true,
                ..PacketState::default()
            },
            PacketAction::Loaded(sheet) => PacketState {
                sheet: Some(*sheet),
                ..PacketState::default()
            },
            PacketAction::Failed(e) => PacketState {
                error: Some(e),
                ..PacketState::default()
            },
        };
        Rc::new(next)
    }
}

impl PacketState {
    /// Whether the packet was asked for and its answer is in.
    pub fn ready(&self) -> bool {
        !self.loading && (self.sheet.is_some() || self.error.is_some())
    }

    /// Whether the intake holds no such packet.
    pub fn not_found(&self) -> bool {
        matches!(&self.error, Some(ApiError::Refused(p)) if p.status == 404)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Problem;

    #[test]
    fn another_packet_asked_for_drops_the_last_and_a_404_is_no_such_packet() {
        let sheet: PacketSheet = serde_json::from_str(
            r#"{"id": "p1", "kind": "self-assessment", "unit": {"code": "510824-101", "name": "某某镇党委"},
                "subject": null, "period": "2026", "created_at": "2026-11-23T08:30:00Z",
                "received_at": "2026-11-23T08:31:00.000Z", "sha256": "ab", "size": 10,
                "template": {"id": "t", "version": 1, "title": {"zh": "清单", "en": "List"}},
                "score": {"total": "87.50", "max": "100.00", "percentage": "87.50",
                          "grade": {"id": "good", "label": {"zh": "良好", "en": "Good"}},
                          "sections": [], "items": [], "vetoes": [], "required": 0, "answered": 0},
                "findings": [], "rectifications": [], "refers_to": null, "note": null,
                "signers": [{"role": "principal", "name": "张三", "enrolled_name": "张三",
                             "fingerprint": "abcd-ef01", "revoked_at": null}],
                "receipt": {}}"#,
        )
        .unwrap();
        assert_eq!(
            sheet.score.as_ref().map(|s| s.total.as_str()),
            Some("87.50")
        );
        let state = Rc::new(PacketState::default())
            .reduce(PacketAction::Loading)
            .reduce(PacketAction::Loaded(Box::new(sheet)));
        assert!(state.ready() && state.sheet.is_some());
        let state = state.reduce(PacketAction::Loading);
        assert!(
            !state.ready() && state.sheet.is_none(),
            "the last packet is not shown as the next"
        );
        let state = state.reduce(PacketAction::Failed(ApiError::Refused(Problem {
            status: 404,
            code: "not-found".into(),
            detail: String::new(),
            retry_after: None,
        })));
        assert!(state.ready() && state.not_found());
    }
}
