//! The one error the domain raises — an input that breaks a rule, with what was wrong and what is
//! allowed — and [`ErrorCode`], the closed list of codes every edge (CLI, web API, desktop,
//! studio) speaks: an enum in Rust, a union of strings in TypeScript. Front ends show `message`
//! as is and switch on `code`.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )+) => {
        /// Why something was refused or failed, for programs (the message says it for people).
        /// One spelling everywhere: the snake_case text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code spelled `text` (as stored), if this build knows it.
            pub fn parse(text: &str) -> Option<ErrorCode> {
                Self::ALL.iter().copied().find(|c| c.as_str() == text)
            }

            /// The code as it appears in JSON and messages.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $text),+ }
            }
        }
    };
}

error_codes! {
    // Input that breaks a rule.
    /// An id that is not a UUID.
    InvalidId = "invalid_id",
    /// A name that is empty, too long, or holds control or invisible characters.
    InvalidName = "invalid_name",
    /// A tag that is empty, too long, or holds control or invisible characters.
    InvalidTag = "invalid_tag",
    /// A collection path with no names.
    InvalidCollectionPath = "invalid_collection_path",
    /// A rating outside 0–5.
    InvalidRating = "invalid_rating",
    /// An unknown review status.
    InvalidStatus = "invalid_status",
    /// An unknown culling flag.
    InvalidFlag = "invalid_flag",
    /// An unknown file presence (ok, missing, offline).
    InvalidPresence = "invalid_presence",
    /// An unknown colour label.
    InvalidLabel = "invalid_label",
    /// An unknown orientation (landscape, portrait, square).
    InvalidShape = "invalid_shape",
    /// A date that is not YYYY-MM-DD, or a range that ends before it starts.
    InvalidDate = "invalid_date",
    /// An unknown kind (image, video).
    InvalidKind = "invalid_kind",
    /// An unknown source.
    InvalidSource = "invalid_source",
    /// An unknown action on a campaign's public link (publish, regenerate, unpublish).
    InvalidLinkAction = "invalid_link_action",
    /// An unknown studio role.
    InvalidStudioRole = "invalid_studio_role",
    /// An unknown brand role.
    InvalidBrandRole = "invalid_brand_role",
    /// An unknown policy action.
    InvalidAction = "invalid_action",
    /// An unknown review action.
    InvalidReviewAction = "invalid_review_action",
    /// A review move the transition table doesn't allow.
    InvalidTransition = "invalid_transition",
    /// A review note that is too long.
    InvalidNote = "invalid_note",
    /// An unknown tag mode.
    InvalidTagMode = "invalid_tag_mode",
    /// An unknown rail bucket.
    InvalidBucket = "invalid_bucket",
    /// An unknown sort.
    InvalidSort = "invalid_sort",
    /// A page size out of range.
    InvalidLimit = "invalid_limit",
    /// A limit out of range (find similar).
    BadLimit = "bad_limit",
    /// A cursor that is not from this search.
    InvalidCursor = "invalid_cursor",
    /// A colour that is not `#RRGGBB`.
    InvalidColor = "invalid_color",
    /// A description that is too long.
    InvalidDescription = "invalid_description",
    /// A rename template with unknown tokens.
    InvalidTemplate = "invalid_template",
    /// A brand kit value out of bounds.
    InvalidKit = "invalid_kit",
    /// A count out of range.
    InvalidCount = "invalid_count",
    /// A plan limit of the studio (R9.5) that is not a positive number.
    InvalidLimitSetting = "invalid_limit_setting",
    /// Synthetic-library options out of range.
    InvalidSynth = "invalid_synth",
    /// An export destination that can't be used.
    InvalidDestination = "invalid_destination",
    /// A required field is missing.
    MissingField = "missing_field",
    /// Nothing was selected, or nothing matches.
    EmptySelection = "empty_selection",
    /// More assets than one call may act on.
    SelectionTooLarge = "selection_too_large",
    /// More tags than an asset may carry.
    TooManyTags = "too_many_tags",
    /// More anchors than a kit may pin.
    TooManyAnchors = "too_many_anchors",
    /// A stack needs at least two assets.
    StackTooSmall = "stack_too_small",
    /// A stack holds at most 1,000 assets.
    StackTooLarge = "stack_too_large",
    /// A stack's cover must be one of its assets.
    CoverNotInStack = "cover_not_in_stack",
    /// A collection's cover must be one of its assets (filed in it or below).
    CoverNotInCollection = "cover_not_in_collection",
    /// A name that is already taken.
    NameTaken = "name_taken",
    /// A tag merged into itself.
    SameTag = "same_tag",
    /// A collection moved under itself.
    CollectionCycle = "collection_cycle",
    /// A confirmation that doesn't match what it confirms.
    ConfirmationMismatch = "confirmation_mismatch",
    /// A rename template without copying.
    RenameNeedsCopy = "rename_needs_copy",
    /// Nothing to import.
    NothingToImport = "nothing_to_import",
    /// Nothing to merge.
    NothingToMerge = "nothing_to_merge",
    /// An undo that names no change of the journal.
    NothingToUndo = "nothing_to_undo",
    /// An undo of changes already undone.
    AlreadyUndone = "already_undone",
    /// Left as it is by an undo: it changed again since the action.
    ChangedSince = "changed_since",
    /// The asset kept is also among those merged.
    KeepInOthers = "keep_in_others",
    /// Too few photos for the benchmark.
    TooFewPhotos = "too_few_photos",
    /// Nothing analysed yet.
    NothingIndexed = "nothing_indexed",
    /// An upload that is not a valid form.
    BadUpload = "bad_upload",
    /// An upload completed before all its parts arrived.
    UploadIncomplete = "upload_incomplete",
    /// A request body that is not the JSON the call expects.
    InvalidBody = "invalid_body",
    /// An email address that can't be one.
    InvalidEmail = "invalid_email",
    /// A new password that is too short or too long.
    InvalidPassword = "invalid_password",

    // Things that aren't there.
    /// Not there (or not visible to the caller).
    NotFound = "not_found",
    /// No such asset.
    AssetNotFound = "asset_not_found",
    /// No such project.
    ProjectNotFound = "project_not_found",
    /// No such brand.
    BrandNotFound = "brand_not_found",
    /// No such collection.
    CollectionNotFound = "collection_not_found",
    /// A collection path that names several collections.
    AmbiguousCollection = "ambiguous_collection",
    /// No such campaign.
    CampaignNotFound = "campaign_not_found",
    /// No such tag.
    TagNotFound = "tag_not_found",
    /// No such user.
    UserNotFound = "user_not_found",
    /// No such model.
    ModelNotFound = "model_not_found",
    /// No such device (or not one of the caller's).
    DeviceNotFound = "device_not_found",
    /// No studio in the data folder.
    StudioNotFound = "studio_not_found",
    /// No such invitation (by id, for the studio's Owners and Admins).
    InvitationNotFound = "invitation_not_found",
    /// A path that doesn't exist.
    PathNotFound = "path_not_found",
    /// A folder that isn't one.
    NotAFolder = "not_a_folder",
    /// The asset has no thumbnail yet.
    NoThumbnail = "no_thumbnail",
    /// The original is not where the catalog says.
    FileMissing = "file_missing",
    /// The original can't be read as media any more.
    Unreadable = "unreadable",

    // Roles and rules.
    /// The caller's role is not enough.
    Forbidden = "forbidden",
    /// Public links need the studio's public sharing (a `--public-url` and the Owner's or
    /// Admin's switch), or a studio at all (standalone libraries have none).
    PublicSharingOff = "public_sharing_off",
    /// The caller doesn't belong to the brand.
    NotAMember = "not_a_member",
    /// Someone else's Personal brand.
    PrivateBrand = "private_brand",
    /// Someone else's project that isn't shared.
    PrivateProject = "private_project",
    /// A Manager approving their own work while self-approval is off.
    SelfApprovalOff = "self_approval_off",
    /// Personal brands skip review.
    NoReviewOnPersonal = "no_review_on_personal",
    /// Personal brands have no campaigns.
    NoCampaignsOnPersonal = "no_campaigns_on_personal",
    /// Personal brands have no members.
    NoMembersOnPersonal = "no_members_on_personal",
    /// Nothing moves into a Personal brand.
    NotIntoPersonal = "not_into_personal",
    /// What a Personal brand can't be used for.
    PersonalBrand = "personal_brand",
    /// Approved work is locked.
    ApprovedLocked = "approved_locked",
    /// A change made on a state that changed meanwhile (a review decision on an asset that
    /// moved on): look again, then decide.
    StaleState = "stale_state",
    /// The asset is on another brand than the collection or campaign.
    NotOnThisBrand = "not_on_this_brand",
    /// The logo or anchor is on another brand.
    WrongBrand = "wrong_brand",
    /// A brand keeps at least one Manager.
    LastManager = "last_manager",
    /// A studio keeps at least one Owner.
    LastOwner = "last_owner",
    /// A project holding approved work can't be deleted.
    ProjectHasApproved = "project_has_approved",
    /// This needs a studio server.
    NeedsStudio = "needs_studio",
    /// A plan limit of the studio (R9.5) would be exceeded; the message has the limit and the
    /// current use.
    LimitReached = "limit_reached",
    /// Already in the campaign (skipped, not refused).
    AlreadyInCampaign = "already_in_campaign",
    /// In a stack: unstack first or choose Stack.
    Stacked = "stacked",
    /// In the Trash: restore it first.
    InTrash = "in_trash",
    /// Not in the Trash.
    NotInTrash = "not_in_trash",

    // Folders and files.
    /// A folder that is not a library and not empty.
    NotALibrary = "not_a_library",
    /// The library's own folder.
    InsideLibrary = "inside_library",
    /// A folder holding the library.
    ContainsLibrary = "contains_library",
    /// A folder already watched.
    AlreadyWatched = "already_watched",
    /// A folder overlapping a watched one.
    OverlappingWatch = "overlapping_watch",
    /// A folder not watched.
    NotWatched = "not_watched",
    /// A data folder that already holds a studio.
    StudioExists = "studio_exists",
    /// An export destination that exists.
    DestinationExists = "destination_exists",
    /// An export destination inside the library.
    DestinationInsideLibrary = "destination_inside_library",

    // The catalog and the machine.
    /// The catalog can't be opened.
    CatalogUnavailable = "catalog_unavailable",
    /// The catalog was made by a newer Atelier.
    CatalogTooNew = "catalog_too_new",
    /// The catalog holds data it can't read back.
    CatalogDamaged = "catalog_damaged",
    /// The catalog is missing or empty beside managed files.
    CatalogLost = "catalog_lost",
    /// The catalog or its log was deleted or replaced while open.
    CatalogFilesGone = "catalog_files_gone",
    /// The disk is full.
    DiskFull = "disk_full",
    /// The library can only be read here.
    LibraryReadOnly = "library_read_only",
    /// SQLite failed.
    StorageError = "storage_error",
    /// A file could not be read or written.
    IoError = "io_error",
    /// The export could not be written.
    ExportFailed = "export_failed",
    /// Cancelled; what was done is kept.
    Cancelled = "cancelled",
    /// A bug.
    InternalError = "internal_error",

    // The loopback guard.
    /// A request for another host (DNS rebinding).
    HostNotAllowed = "host_not_allowed",
    /// A change sent from another site.
    CrossOrigin = "cross_origin",
    /// A sign-in link whose token is not this run's.
    BadToken = "bad_token",
    /// No session.
    Unauthorized = "unauthorized",

    // Studio sign-in.
    /// An email and password that don't match an account (one code for both, so that it
    /// doesn't tell which emails have accounts).
    BadCredentials = "bad_credentials",
    /// Too many wrong passwords for one email lately: wait, then try again.
    TooManyAttempts = "too_many_attempts",
    /// A refresh secret that was already used: the device is revoked (theft detection).
    RefreshReused = "refresh_reused",
    /// The device was revoked: sign in again.
    DeviceRevoked = "device_revoked",
    /// The library is bound to another studio or person (a library belongs to one of each).
    BoundElsewhere = "bound_elsewhere",
    /// The library is not signed in to a studio (never bound, or signed out).
    NotSignedIn = "not_signed_in",
    /// No OS keyring can keep the sign-in (no Secret Service, no kernel keyring).
    KeyringUnavailable = "keyring_unavailable",
    /// An address that isn't a studio's (`http://` or `https://` and a host).
    InvalidUrl = "invalid_url",
    /// An invitation link that is unknown, revoked, expired or already used (one code for all,
    /// so that links can't be probed).
    InvitationInvalid = "invitation_invalid",
    /// Accepting an invitation with another email than the one invited.
    WrongEmail = "wrong_email",
    /// The person already is a member of the studio.
    AlreadyMember = "already_member",
    /// A browser sign-in the person hasn't approved yet: poll again (the studio answers it with
    /// HTTP 202).
    SignInPending = "sign_in_pending",
    /// The person denied a browser sign-in on the studio's page.
    SignInDenied = "sign_in_denied",
    /// A browser sign-in that is unknown, expired or already delivered (one code for all, so
    /// that sign-ins can't be probed): start again.
    SignInExpired = "sign_in_expired",

    // Said by clients about the connection itself.
    /// The server is not answering (a client's own code).
    NetworkError = "network_error",
    /// An answer that is not one of ours (a proxy's page, a crash), by status (a client's own
    /// code).
    HttpError = "http_error",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.as_str()
    }
}

/// A value that failed validation. Nothing was changed when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidInput {
    /// What kind of problem, for programs.
    pub code: ErrorCode,
    /// What was wrong and what is allowed, for a person.
    pub message: String,
}

impl InvalidInput {
    /// Builds an error with a code and a human message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let text = c.as_str();
            assert!(
                text.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{text}"
            );
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{text}\""));
        }
    }
}
