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
    /// A school's phase of education, as Get Information About Schools names it; also the phases a
    /// staff member teaches in.
    SchoolPhase {
        /// Nursery school: children under compulsory school age.
        Nursery = "NURSERY",
        /// Primary school: reception to year 6 (ages 4 to 11).
        Primary = "PRIMARY",
        /// Middle school, deemed primary or deemed secondary: spans the primary and secondary years
        /// (ages about 8 to 13).
        Middle = "MIDDLE",
        /// Secondary school: years 7 to 11, with or without a sixth form (ages 11 to 16 or 18).
        Secondary = "SECONDARY",
        /// All-through school: from primary to the end of secondary in one school.
        AllThrough = "ALL_THROUGH",
        /// Special school, for pupils with special educational needs and disabilities.
        Special = "SPECIAL",
        /// Alternative provision, such as a pupil referral unit, for pupils who cannot attend a
        /// mainstream school.
        AlternativeProvision = "ALTERNATIVE_PROVISION",
        /// Sixteen plus: a sixth-form or further-education college for students aged 16 to 19.
        SixteenPlus = "SIXTEEN_PLUS",
    }
);

string_enum!(
    /// Whether a school is open.
    SchoolStatus {
        /// Open: the school can be invited into alliances and take part.
        Open = "OPEN",
        /// Closed, as Get Information About Schools records it; it cannot be invited into an
        /// alliance, and its history stays readable.
        Closed = "CLOSED",
    }
);

string_enum!(
    /// What sort of network an alliance is.
    AllianceKind {
        /// A teaching school alliance: schools led by a teaching school that trains and develops
        /// staff together.
        TeachingSchoolAlliance = "TEACHING_SCHOOL_ALLIANCE",
        /// A multi-academy trust: academies run by one trust.
        MultiAcademyTrust = "MULTI_ACADEMY_TRUST",
        /// A local cluster of schools in one area that work together.
        LocalCluster = "LOCAL_CLUSTER",
        /// A research-school network: schools around a research school that spread
        /// evidence-informed practice.
        ResearchSchoolNetwork = "RESEARCH_SCHOOL_NETWORK",
        /// Any other network of schools.
        Other = "OTHER",
    }
);

string_enum!(
    /// A member school's role in an alliance.
    MembershipRole {
        /// The alliance's lead school.
        LeadSchool = "LEAD_SCHOOL",
        /// A strategic partner: a school that shares in leading the alliance.
        StrategicPartner = "STRATEGIC_PARTNER",
        /// A member school (the role given when an invitation names none).
        Member = "MEMBER",
        /// An associate: a school linked to the alliance short of full membership.
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
        /// Under way: its schools work together.
        Active = "ACTIVE",
        /// Over; its schools and history stay readable, and it takes no changes.
        Ended = "ENDED",
    }
);

string_enum!(
    /// A person's role at a school. Headteachers, senior leaders and school CPD leads lead the
    /// school.
    StaffRoleKind {
        /// A teacher.
        Teacher = "TEACHER",
        /// A teaching assistant.
        TeachingAssistant = "TEACHING_ASSISTANT",
        /// Support staff: anyone who works at the school outside teaching, such as office, pastoral
        /// or site staff.
        SupportStaff = "SUPPORT_STAFF",
        /// A middle leader, such as a head of department, year or key stage.
        MiddleLeader = "MIDDLE_LEADER",
        /// A senior leader (deputy or assistant head): leads the school, manages its staff and
        /// answers for it in alliances.
        SeniorLeader = "SENIOR_LEADER",
        /// The headteacher: leads the school, manages its staff and answers for it in alliances.
        Headteacher = "HEADTEACHER",
        /// The school's own CPD lead: leads the school's professional development, manages its
        /// staff and answers for it in alliances.
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
    /// A person's role in an alliance (rather than at one of its schools).
    AllianceRoleKind {
        /// Alliance admin: administers the alliance's schools, partnerships, people and
        /// themes, and brokers support between its schools.
        Admin = "ADMIN",
        /// Alliance CPD lead: runs professional development across the alliance's schools,
        /// with the same powers as an admin.
        CpdLead = "CPD_LEAD",
        /// Facilitator: may start professional learning communities in the alliance.
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
        /// The personalised-learning framework that ships with Trellis: learning how to learn,
        /// assessment for learning, student voice and the like.
        PersonalisedLearning = "PERSONALISED_LEARNING",
        /// The optional wellbeing outcomes: being healthy, staying safe, enjoying and achieving,
        /// making a positive contribution, achieving economic wellbeing.
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
        /// Newly started and gathering its members; every community begins here.
        Forming = "FORMING",
        /// Under way, once activated (`activateCommunity`).
        Active = "ACTIVE",
        /// Readable to its members; takes no new content.
        Closed = "CLOSED",
    }
);

string_enum!(
    /// A member's part in a community.
    CommunityRole {
        /// Takes part in the community.
        Member = "MEMBER",
        /// Runs the community: approves requests to join, invites, schedules meetings and moderates
        /// its discussion.
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
        /// A member of the community.
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
        /// Will take place as planned.
        Scheduled = "SCHEDULED",
        /// Called off; listed only when asked for with `includeCancelled`.
        Cancelled = "CANCELLED",
    }
);

string_enum!(
    /// Stage of a practitioner enquiry.
    EnquiryStage {
        /// Framing the question and its rationale (the first stage).
        Question = "QUESTION",
        /// Taking the baseline (where are we now) and planning the actions.
        Planning = "PLANNING",
        /// Carrying the planned actions out in the classroom.
        Acting = "ACTING",
        /// Gathering evidence of what changed.
        Evidence = "EVIDENCE",
        /// Sharing the findings, for example as practice (the last stage).
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
        /// A case study: what a school did, why, and what happened.
        CaseStudy = "CASE_STUDY",
        /// A short account of one moment in practice.
        Vignette = "VIGNETTE",
        /// A resource for teaching, such as a lesson plan, worksheet or slides.
        Resource = "RESOURCE",
        /// A lesson study: a lesson planned, taught, observed and refined by teachers together.
        LessonStudy = "LESSON_STUDY",
        /// The findings of a practitioner enquiry.
        EnquiryFinding = "ENQUIRY_FINDING",
        /// A tool for practice, such as a framework, checklist or template.
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
        /// Shared with the audience its authors chose.
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
        /// English.
        English = "ENGLISH",
        /// Mathematics.
        Mathematics = "MATHEMATICS",
        /// Science.
        Science = "SCIENCE",
        /// Art and design.
        ArtAndDesign = "ART_AND_DESIGN",
        /// Computing.
        Computing = "COMPUTING",
        /// Design and technology.
        DesignAndTechnology = "DESIGN_AND_TECHNOLOGY",
        /// Foreign languages.
        Languages = "LANGUAGES",
        /// Geography.
        Geography = "GEOGRAPHY",
        /// History.
        History = "HISTORY",
        /// Music.
        Music = "MUSIC",
        /// Physical education.
        PhysicalEducation = "PHYSICAL_EDUCATION",
        /// Religious education.
        ReligiousEducation = "RELIGIOUS_EDUCATION",
        /// Personal, social, health and economic education, with relationships education.
        Pshe = "PSHE",
        /// Citizenship.
        Citizenship = "CITIZENSHIP",
        /// The early years foundation stage's areas of learning, taught as a whole rather than by
        /// subject.
        EarlyYears = "EARLY_YEARS",
        /// Special educational needs and disabilities, across subjects.
        Send = "SEND",
        /// Not one subject: behaviour, attendance, pastoral care, leadership.
        CrossCurricular = "CROSS_CURRICULAR",
    }
);

string_enum!(
    /// Key stages of the national curriculum in England.
    KeyStage {
        /// Early years foundation stage: from birth to the end of reception (age 5).
        EarlyYearsFoundationStage = "EARLY_YEARS_FOUNDATION_STAGE",
        /// Key stage 1: years 1 and 2 (ages 5 to 7).
        KeyStage1 = "KEY_STAGE_1",
        /// Key stage 2: years 3 to 6 (ages 7 to 11).
        KeyStage2 = "KEY_STAGE_2",
        /// Key stage 3: years 7 to 9 (ages 11 to 14).
        KeyStage3 = "KEY_STAGE_3",
        /// Key stage 4: years 10 and 11 (ages 14 to 16), usually towards GCSEs.
        KeyStage4 = "KEY_STAGE_4",
        /// Key stage 5: the sixth form, years 12 and 13 (ages 16 to 18).
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
        /// It made no noticeable difference.
        NoChange = "NO_CHANGE",
        /// Tried, but it is too soon to say what changed.
        TooEarlyToTell = "TOO_EARLY_TO_TELL",
    }
);

string_enum!(
    /// A step in a practice's history.
    PracticeAction {
        /// The practice was written (or adapted from another) as a draft.
        Created = "CREATED",
        /// Its content or audience was changed.
        Edited = "EDITED",
        /// Its authors asked a school leader to approve sharing it beyond the school.
        SubmittedForReview = "SUBMITTED_FOR_REVIEW",
        /// A school leader approved it, and it was published to the audience its authors chose.
        Approved = "APPROVED",
        /// A school leader sent it back to draft, with a comment for its authors.
        SentBack = "SENT_BACK",
        /// An author published it from draft, without review (`publishPractice`).
        Published = "PUBLISHED",
        /// It was archived: still readable, no longer adaptable.
        Archived = "ARCHIVED",
        /// A reader reported it as identifying a pupil, and it was taken down until reviewed.
        Reported = "REPORTED",
        /// After review of a report, an approver put it back for its readers.
        Restored = "RESTORED",
        /// Its authors took it back to draft.
        Withdrawn = "WITHDRAWN",
    }
);

string_enum!(
    /// How soon a school needs the support it asks for.
    SupportUrgency {
        /// Can wait: no date presses.
        Low = "LOW",
        /// Needed soon (the default).
        Medium = "MEDIUM",
        /// Needed as soon as possible.
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
    /// What kind of CPD event it is.
    EventKind {
        /// A taught course, over one or several sessions.
        Course = "COURSE",
        /// A meeting of a network of staff across schools (subject leads, SENCOs, new heads).
        NetworkMeeting = "NETWORK_MEETING",
        /// A visit to a school to see its practice.
        SchoolVisit = "SCHOOL_VISIT",
        /// A lesson study: staff plan, teach and observe a research lesson together.
        LessonStudy = "LESSON_STUDY",
        /// A classroom open to visiting staff.
        OpenClassroom = "OPEN_CLASSROOM",
        /// A conference.
        Conference = "CONFERENCE",
    }
);

string_enum!(
    /// Who may book places on an event.
    EventAudience {
        /// Staff of the host school only.
        HostSchool = "HOST_SCHOOL",
        /// Staff of every member school of the event's alliance.
        Alliance = "ALLIANCE",
        /// Staff of the schools of one partnership.
        Partnership = "PARTNERSHIP",
    }
);

string_enum!(
    /// Where an event stands.
    EventStatus {
        /// Being prepared: seen only by its host.
        Draft = "DRAFT",
        /// Published and taking bookings (within its booking window).
        Open = "OPEN",
        /// Published, no longer taking bookings.
        Closed = "CLOSED",
        /// It took place.
        Held = "HELD",
        /// Called off; every booked person was told. History stays.
        Cancelled = "CANCELLED",
    }
);

string_enum!(
    /// Where a booking stands.
    BookingStatus {
        /// Waiting for one of the person's school leaders to approve their release.
        AwaitingApproval = "AWAITING_APPROVAL",
        /// A place is held.
        Confirmed = "CONFIRMED",
        /// No place free: waiting in order for one.
        Waitlisted = "WAITLISTED",
        /// A school leader declined it, with a reason.
        Declined = "DECLINED",
        /// Cancelled before the event.
        Cancelled = "CANCELLED",
        /// The person attended.
        Attended = "ATTENDED",
        /// The person had a place and did not come.
        NoShow = "NO_SHOW",
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

string_enum!(
    /// What happened, as a webhook event tells it.
    WebhookEventType {
        /// A school joined an alliance (its membership became active).
        SchoolJoinedAlliance = "SCHOOL_JOINED_ALLIANCE",
        /// A school left an alliance, or was removed from it.
        SchoolLeftAlliance = "SCHOOL_LEFT_ALLIANCE",
        /// Someone was invited into a role at a school or in an alliance.
        PersonInvited = "PERSON_INVITED",
        /// A person's role at a school started.
        StaffRoleStarted = "STAFF_ROLE_STARTED",
        /// A person's role at a school ended.
        StaffRoleEnded = "STAFF_ROLE_ENDED",
        /// A practice was published.
        PracticePublished = "PRACTICE_PUBLISHED",
        /// A published practice was taken down or withdrawn.
        PracticeTakenDown = "PRACTICE_TAKEN_DOWN",
        /// A community was created.
        CommunityCreated = "COMMUNITY_CREATED",
        /// A community was closed.
        CommunityClosed = "COMMUNITY_CLOSED",
        /// An event was opened for booking (published).
        EventPublished = "EVENT_PUBLISHED",
        /// A published event's sessions, place, capacity or status changed (closed,
        /// held).
        EventChanged = "EVENT_CHANGED",
        /// An event was cancelled.
        EventCancelled = "EVENT_CANCELLED",
        /// A booking was made or changed status (confirmed, waitlisted, promoted, approved,
        /// declined, cancelled, attended, no-show).
        EventBookingChanged = "EVENT_BOOKING_CHANGED",
    }
);

string_enum!(
    /// Where the delivery of one event to one endpoint stands.
    WebhookDeliveryStatus {
        /// Not delivered yet: an attempt is due or will be retried.
        Pending = "PENDING",
        /// The endpoint answered an attempt with a 2xx status.
        Delivered = "DELIVERED",
        /// Every attempt failed for the whole retry period, or the endpoint was disabled;
        /// it can still be redelivered by hand.
        Failed = "FAILED",
    }
);

string_enum!(
    /// An identity provider staff can sign in with (OpenID Connect).
    IdentityProviderKind {
        /// Microsoft Entra ID (formerly Azure Active Directory): work and school accounts,
        /// one tenant (`tid`) per organisation.
        EntraId = "ENTRA_ID",
        /// Google: Google Workspace accounts, one hosted domain (`hd`) per organisation.
        Google = "GOOGLE",
    }
);

string_enum!(
    /// What a notification tells.
    NotificationType {
        /// A practice was submitted for review (to the school's approvers).
        PracticeSubmitted = "PRACTICE_SUBMITTED",
        /// A practice in review was sent back to draft (to its authors).
        PracticeSentBack = "PRACTICE_SENT_BACK",
        /// A practice in review was approved and published (to its authors).
        PracticeApproved = "PRACTICE_APPROVED",
        /// Someone asked to join a community (to its facilitators).
        CommunityJoinRequested = "COMMUNITY_JOIN_REQUESTED",
        /// A request to join a community was approved (to the person who asked).
        CommunityJoinApproved = "COMMUNITY_JOIN_APPROVED",
        /// A request to join a community was declined (to the person who asked).
        CommunityJoinDeclined = "COMMUNITY_JOIN_DECLINED",
        /// A community meeting was scheduled (to the community's members).
        MeetingScheduled = "MEETING_SCHEDULED",
        /// A community meeting's time, place or details changed (to the members).
        MeetingChanged = "MEETING_CHANGED",
        /// A community meeting was cancelled (to the members).
        MeetingCancelled = "MEETING_CANCELLED",
        /// Support was brokered for a request (to the parties of the arrangement).
        SupportBrokered = "SUPPORT_BROKERED",
        /// A school was invited into an alliance (to the school's leaders).
        AllianceInvitation = "ALLIANCE_INVITATION",
        /// A webhook endpoint was disabled after failing for days (to its tenant's managers).
        WebhookEndpointDisabled = "WEBHOOK_ENDPOINT_DISABLED",
        /// A place on an event is booked (to the person booked).
        BookingConfirmed = "BOOKING_CONFIRMED",
        /// A booking joined an event's waitlist (to the person booked).
        BookingWaitlisted = "BOOKING_WAITLISTED",
        /// A place freed up and went to the first on the waitlist (to that person).
        BookingPromoted = "BOOKING_PROMOTED",
        /// A booking waits for a school leader's approval (to the person's school leaders).
        BookingApprovalNeeded = "BOOKING_APPROVAL_NEEDED",
        /// A booking was approved (to the person booked).
        BookingApproved = "BOOKING_APPROVED",
        /// A booking was declined, with a reason (to the person booked).
        BookingDeclined = "BOOKING_DECLINED",
        /// An event's sessions or place changed (to everyone booked or waitlisted).
        EventChanged = "EVENT_CHANGED",
        /// An event was cancelled (to everyone booked, waitlisted or awaiting approval).
        EventCancelled = "EVENT_CANCELLED",
        /// Attendance at an event was recorded: what will change? (to the person who attended).
        EvaluationDue = "EVALUATION_DUE",
        /// An event's impact follow-up is due: what changed? (to the person who attended).
        FollowUpDue = "FOLLOW_UP_DUE",
        /// Someone recorded an observation of the person's teaching (to the teacher).
        ObservationRecorded = "OBSERVATION_RECORDED",
        /// Someone shared an observation or a reflection with the person (to them).
        RecordShared = "RECORD_SHARED",
        /// A coaching relationship was arranged (to the coach and the coachee).
        CoachingArranged = "COACHING_ARRANGED",
        /// One of the school's staff will coach or be coached (to the school's leaders).
        StaffCoachingArranged = "STAFF_COACHING_ARRANGED",
        /// An agreed coaching action step's check-back date passed (to the coach and the
        /// coachee, once).
        CoachingCheckBackOverdue = "COACHING_CHECK_BACK_OVERDUE",
        /// Someone invited the person to lead something (a meeting, coaching, an event).
        LeadershipInvited = "LEADERSHIP_INVITED",
        /// The person one invited to lead accepted or declined.
        LeadershipAnswered = "LEADERSHIP_ANSWERED",
        /// The inviter withdrew the person's invitation to lead (waiting or accepted).
        LeadershipWithdrawn = "LEADERSHIP_WITHDRAWN",
    }
);

string_enum!(
    /// What an observation or a reflection is for, fixed when it is made. Developmental
    /// records never appear in any appraisal view, report or export made for someone else.
    RecordPurpose {
        /// For the teacher's own learning: seen only by the two people and whom the
        /// teacher shares it with.
        Developmental = "DEVELOPMENTAL",
        /// For a performance-management (appraisal) conversation: also seen by the
        /// leaders of the teacher's school, while the teacher works there.
        Appraisal = "APPRAISAL",
    }
);

string_enum!(
    /// Whether an entry of an expertise profile is a strength or a development need.
    ExpertiseKind {
        /// Something the person does well and could help others with.
        Strength = "STRENGTH",
        /// Something the person wants to develop.
        Need = "NEED",
    }
);

string_enum!(
    /// What a coaching relationship is for, fixed when it is made. Developmental coaching
    /// never feeds appraisal views or reports.
    CoachingPurpose {
        /// Learning support for the coachee: never a judgement.
        Developmental = "DEVELOPMENTAL",
        /// Part of the coachee's appraisal (performance management), as agreed.
        Appraisal = "APPRAISAL",
    }
);

string_enum!(
    /// Where a coaching relationship is in its life.
    CoachingStatus {
        /// Arranged, not yet started.
        Proposed = "PROPOSED",
        /// Under way: sessions and action steps are recorded.
        Active = "ACTIVE",
        /// Paused for a while; may resume.
        Paused = "PAUSED",
        /// Over; its history stays.
        Ended = "ENDED",
    }
);

string_enum!(
    /// What a person is invited to lead. Each kind names what it is about: a community
    /// meeting, a coaching relationship or an event.
    LeadershipKind {
        /// Facilitate one meeting of a community (its subject: the meeting).
        FacilitateCommunityMeeting = "FACILITATE_COMMUNITY_MEETING",
        /// Coach in a coaching relationship, as its coach (its subject: the relationship).
        Coach = "COACH",
        /// Lead an event, or a part of it (its subject: the event).
        LeadEvent = "LEAD_EVENT",
    }
);

string_enum!(
    /// Where an invitation to lead is in its life.
    LeadershipStatus {
        /// Waiting for the invitee's answer.
        Pending = "PENDING",
        /// Accepted: part of the invitee's leadership record.
        Accepted = "ACCEPTED",
        /// Declined by the invitee, or stepped back from after accepting.
        Declined = "DECLINED",
        /// Withdrawn by the inviter, before or after it was accepted.
        Withdrawn = "WITHDRAWN",
        /// Accepted and done, as the inviter or the invitee marked it.
        Completed = "COMPLETED",
    }
);
