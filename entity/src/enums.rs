//! Enumerations shared by the database and the GraphQL schema.
//!
//! Each is stored as its SCREAMING_SNAKE_CASE name in a short string column, so the
//! database reads the same as the API and adding a variant never needs a migration.

use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant),+
        }

        impl crate::rows::Field for $name {
            fn compatible(column: &sea_orm::sqlx::postgres::PgTypeInfo) -> bool {
                <String as crate::rows::Field>::compatible(column)
            }

            fn read(row: &sea_orm::sqlx::postgres::PgRow, at: usize) -> Result<Self, DbErr> {
                crate::rows::read_string_enum(row, at)
            }
        }
    };
}

string_enum!(
    /// Whether a person may use the platform.
    PersonStatus {
        /// Can sign in and take part.
        Active = "ACTIVE",
        /// Cannot sign in; history stays.
        Disabled = "DISABLED",
    }
);

string_enum!(
    /// Phase of education, as Get Information About Schools names them.
    SchoolPhase {
        Nursery = "NURSERY",
        Primary = "PRIMARY",
        Middle = "MIDDLE",
        Secondary = "SECONDARY",
        AllThrough = "ALL_THROUGH",
        Special = "SPECIAL",
        AlternativeProvision = "ALTERNATIVE_PROVISION",
        SixteenPlus = "SIXTEEN_PLUS",
    }
);

string_enum!(
    /// Whether a school is open.
    SchoolStatus {
        Open = "OPEN",
        Closed = "CLOSED",
    }
);

string_enum!(
    /// What sort of network an alliance is.
    AllianceKind {
        TeachingSchoolAlliance = "TEACHING_SCHOOL_ALLIANCE",
        MultiAcademyTrust = "MULTI_ACADEMY_TRUST",
        LocalCluster = "LOCAL_CLUSTER",
        ResearchSchoolNetwork = "RESEARCH_SCHOOL_NETWORK",
        Other = "OTHER",
    }
);

string_enum!(
    /// A member school's role in an alliance.
    MembershipRole {
        LeadSchool = "LEAD_SCHOOL",
        StrategicPartner = "STRATEGIC_PARTNER",
        Member = "MEMBER",
        Associate = "ASSOCIATE",
    }
);

string_enum!(
    /// Where a school's membership of an alliance stands.
    MembershipStatus {
        /// The alliance has invited the school; its headteacher has not yet accepted.
        Invited = "INVITED",
        /// The school takes part.
        Active = "ACTIVE",
        /// Paused by the alliance; the school may be reinstated.
        Suspended = "SUSPENDED",
        /// The school has left (or the invitation was withdrawn); history stays.
        Left = "LEFT",
        /// The school's leaders declined the invitation; history stays.
        Declined = "DECLINED",
    }
);

impl MembershipStatus {
    /// Memberships that have ended: the school takes no part, and the row is history.
    pub const ENDED: [MembershipStatus; 2] = [Self::Left, Self::Declined];
}

string_enum!(
    /// Where a partnership stands.
    PartnershipStatus {
        Active = "ACTIVE",
        Ended = "ENDED",
    }
);

string_enum!(
    /// A person's role at a school.
    StaffRoleKind {
        Teacher = "TEACHER",
        TeachingAssistant = "TEACHING_ASSISTANT",
        SupportStaff = "SUPPORT_STAFF",
        MiddleLeader = "MIDDLE_LEADER",
        SeniorLeader = "SENIOR_LEADER",
        Headteacher = "HEADTEACHER",
        SchoolCpdLead = "SCHOOL_CPD_LEAD",
    }
);

impl StaffRoleKind {
    /// Roles that lead a school: they manage its staff and answer for it in alliances.
    pub const LEADERS: [StaffRoleKind; 3] =
        [Self::Headteacher, Self::SeniorLeader, Self::SchoolCpdLead];

    pub fn leads_school(self) -> bool {
        Self::LEADERS.contains(&self)
    }
}

string_enum!(
    /// A person's role in an alliance.
    AllianceRoleKind {
        Admin = "ADMIN",
        CpdLead = "CPD_LEAD",
        Facilitator = "FACILITATOR",
        /// Specialist Leader of Education: supports other schools in areas of expertise.
        SpecialistLeaderOfEducation = "SPECIALIST_LEADER_OF_EDUCATION",
    }
);

impl AllianceRoleKind {
    /// Roles that administer an alliance: its schools, partnerships, people and themes.
    pub fn administers(self) -> bool {
        matches!(self, Self::Admin | Self::CpdLead)
    }
}

string_enum!(
    /// Which taxonomy a theme belongs to.
    ThemeFramework {
        PersonalisedLearning = "PERSONALISED_LEARNING",
        Wellbeing = "WELLBEING",
        /// Added by one alliance for its own use.
        Alliance = "ALLIANCE",
    }
);

string_enum!(
    /// What members of a community share, and with whom.
    CommunityKind {
        /// Members share with each other.
        CollaborationNetwork = "COLLABORATION_NETWORK",
        /// A member's contributions are seen only by them and the facilitators.
        CoachingNetwork = "COACHING_NETWORK",
    }
);

string_enum!(
    /// Who sees a community.
    CommunityVisibility {
        /// Any staff of an active member school of the alliance can see it and ask to join.
        Alliance = "ALLIANCE",
        /// Invisible to anyone but its members (and the alliance's admins).
        MembersOnly = "MEMBERS_ONLY",
    }
);

string_enum!(
    /// Where a community is in its life cycle.
    CommunityStatus {
        Forming = "FORMING",
        Active = "ACTIVE",
        /// Readable to its members; takes no new content.
        Closed = "CLOSED",
    }
);

string_enum!(
    /// A member's part in a community.
    CommunityRole {
        Member = "MEMBER",
        Facilitator = "FACILITATOR",
    }
);

string_enum!(
    /// Where a person's membership of a community stands.
    CommunityMembershipStatus {
        /// Asked to join; a facilitator has not yet decided.
        Requested = "REQUESTED",
        /// Invited; the person has not yet answered.
        Invited = "INVITED",
        Active = "ACTIVE",
        /// The request or the invitation was declined.
        Declined = "DECLINED",
        /// The person left.
        Left = "LEFT",
        /// A facilitator removed the person.
        Removed = "REMOVED",
        /// The person's school left the alliance.
        Ended = "ENDED",
    }
);

string_enum!(
    /// Whether a meeting will take place.
    MeetingStatus {
        Scheduled = "SCHEDULED",
        Cancelled = "CANCELLED",
    }
);

string_enum!(
    /// Stage of a practitioner enquiry.
    EnquiryStage {
        Question = "QUESTION",
        Planning = "PLANNING",
        Acting = "ACTING",
        Evidence = "EVIDENCE",
        Sharing = "SHARING",
    }
);

impl EnquiryStage {
    pub const ORDER: [EnquiryStage; 5] = [
        Self::Question,
        Self::Planning,
        Self::Acting,
        Self::Evidence,
        Self::Sharing,
    ];

    pub fn position(self) -> usize {
        Self::ORDER.iter().position(|s| *s == self).unwrap_or(0)
    }
}

string_enum!(
    /// What sort of practice is shared.
    PracticeKind {
        CaseStudy = "CASE_STUDY",
        /// A short account of one moment in practice.
        Vignette = "VIGNETTE",
        Resource = "RESOURCE",
        LessonStudy = "LESSON_STUDY",
        EnquiryFinding = "ENQUIRY_FINDING",
        Tool = "TOOL",
    }
);

string_enum!(
    /// Where a practice is in its life cycle.
    PracticeStatus {
        /// Being written; only its authors see it.
        Draft = "DRAFT",
        /// Waiting for a school leader to approve sharing beyond the school.
        InReview = "IN_REVIEW",
        Published = "PUBLISHED",
        /// No longer current; still readable, not adaptable.
        Archived = "ARCHIVED",
    }
);

string_enum!(
    /// Who may read a published practice.
    PracticeVisibility {
        /// Its authors.
        Private = "PRIVATE",
        /// Staff of its school.
        School = "SCHOOL",
        /// Staff of the schools of one partnership.
        Partnership = "PARTNERSHIP",
        /// Everyone taking part actively in one alliance.
        Alliance = "ALLIANCE",
        /// Anyone, without signing in.
        Public = "PUBLIC",
    }
);

impl PracticeVisibility {
    /// Sharing beyond the school needs a school leader's approval.
    pub fn beyond_school(self) -> bool {
        matches!(self, Self::Partnership | Self::Alliance | Self::Public)
    }
}

string_enum!(
    /// Subjects of the curriculum in England.
    Subject {
        English = "ENGLISH",
        Mathematics = "MATHEMATICS",
        Science = "SCIENCE",
        ArtAndDesign = "ART_AND_DESIGN",
        Computing = "COMPUTING",
        DesignAndTechnology = "DESIGN_AND_TECHNOLOGY",
        Languages = "LANGUAGES",
        Geography = "GEOGRAPHY",
        History = "HISTORY",
        Music = "MUSIC",
        PhysicalEducation = "PHYSICAL_EDUCATION",
        ReligiousEducation = "RELIGIOUS_EDUCATION",
        /// Personal, social, health and economic education, with relationships education.
        Pshe = "PSHE",
        Citizenship = "CITIZENSHIP",
        EarlyYears = "EARLY_YEARS",
        /// Special educational needs and disabilities, across subjects.
        Send = "SEND",
        /// Not one subject: behaviour, attendance, pastoral care, leadership.
        CrossCurricular = "CROSS_CURRICULAR",
    }
);

string_enum!(
    /// Key stages of the national curriculum.
    KeyStage {
        EarlyYearsFoundationStage = "EARLY_YEARS_FOUNDATION_STAGE",
        KeyStage1 = "KEY_STAGE_1",
        KeyStage2 = "KEY_STAGE_2",
        KeyStage3 = "KEY_STAGE_3",
        KeyStage4 = "KEY_STAGE_4",
        KeyStage5 = "KEY_STAGE_5",
    }
);

string_enum!(
    /// What happened when another school tried a practice.
    EndorsementOutcome {
        /// It made things better.
        Improved = "IMPROVED",
        /// Some things better, some not.
        Mixed = "MIXED",
        NoChange = "NO_CHANGE",
        TooEarlyToTell = "TOO_EARLY_TO_TELL",
    }
);

string_enum!(
    /// A step in a practice's history.
    PracticeAction {
        Created = "CREATED",
        Edited = "EDITED",
        SubmittedForReview = "SUBMITTED_FOR_REVIEW",
        Approved = "APPROVED",
        SentBack = "SENT_BACK",
        Published = "PUBLISHED",
        Archived = "ARCHIVED",
        Reported = "REPORTED",
        Restored = "RESTORED",
        Withdrawn = "WITHDRAWN",
    }
);

string_enum!(
    /// How soon a school needs the support it asks for.
    SupportUrgency {
        Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
    }
);

string_enum!(
    /// Where a support request stands.
    SupportRequestStatus {
        /// Waiting to be brokered.
        Open = "OPEN",
        /// A CPD lead has arranged support for it.
        Brokered = "BROKERED",
        /// Done with: the need was met or is no longer pursued.
        Closed = "CLOSED",
        /// The school took it back before it was brokered.
        Withdrawn = "WITHDRAWN",
    }
);

string_enum!(
    /// Where an offer of support stands.
    SupportOfferStatus {
        /// Available to be brokered.
        Open = "OPEN",
        /// Not available for now; can be resumed.
        Paused = "PAUSED",
        /// Taken back for good.
        Withdrawn = "WITHDRAWN",
    }
);

string_enum!(
    /// Where a support arrangement stands.
    SupportArrangementStatus {
        /// Brokered; the support has not started.
        Planned = "PLANNED",
        /// The support is under way.
        Active = "ACTIVE",
        /// Done, with a closing note on what changed.
        Completed = "COMPLETED",
        /// Called off; its days go back to the offer.
        Cancelled = "CANCELLED",
    }
);

string_enum!(
    /// What a discussion lives on: the kind of its host, whose id is `host_id`. Each
    /// domain that hosts discussion adds its kind here and declares its rules in its own
    /// `discussion_host` (see `src/discussion/host.rs`).
    DiscussionHostKind {
        /// A community's discussion.
        Community = "COMMUNITY",
        /// The comment threads on a practice.
        Practice = "PRACTICE",
    }
);
