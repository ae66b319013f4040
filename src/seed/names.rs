//! Word lists the generated data is made from: English places, school and alliance names,
//! people's names, job titles, subjects and areas of expertise.

/// Local authorities of England, with the postcode area most of their schools use.
pub const LOCAL_AUTHORITIES: &[(&str, &str)] = &[
    ("Worcestershire", "WR"),
    ("Herefordshire", "HR"),
    ("Shropshire", "SY"),
    ("Gloucestershire", "GL"),
    ("Warwickshire", "CV"),
    ("Birmingham", "B"),
    ("Coventry", "CV"),
    ("Wolverhampton", "WV"),
    ("Staffordshire", "ST"),
    ("Derbyshire", "DE"),
    ("Nottinghamshire", "NG"),
    ("Leicestershire", "LE"),
    ("Lincolnshire", "LN"),
    ("Northamptonshire", "NN"),
    ("Leeds", "LS"),
    ("Bradford", "BD"),
    ("Sheffield", "S"),
    ("Wakefield", "WF"),
    ("Kirklees", "HD"),
    ("North Yorkshire", "YO"),
    ("East Riding of Yorkshire", "HU"),
    ("Manchester", "M"),
    ("Salford", "M"),
    ("Stockport", "SK"),
    ("Wigan", "WN"),
    ("Bolton", "BL"),
    ("Lancashire", "PR"),
    ("Blackburn with Darwen", "BB"),
    ("Liverpool", "L"),
    ("Wirral", "CH"),
    ("Cheshire East", "CW"),
    ("Cumberland", "CA"),
    ("Newcastle upon Tyne", "NE"),
    ("Sunderland", "SR"),
    ("Durham", "DH"),
    ("Northumberland", "NE"),
    ("Norfolk", "NR"),
    ("Suffolk", "IP"),
    ("Cambridgeshire", "CB"),
    ("Essex", "CM"),
    ("Hertfordshire", "AL"),
    ("Bedford", "MK"),
    ("Oxfordshire", "OX"),
    ("Buckinghamshire", "HP"),
    ("Reading", "RG"),
    ("Kent", "ME"),
    ("Medway", "ME"),
    ("East Sussex", "BN"),
    ("West Sussex", "RH"),
    ("Brighton and Hove", "BN"),
    ("Surrey", "GU"),
    ("Hampshire", "SO"),
    ("Portsmouth", "PO"),
    ("Southampton", "SO"),
    ("Wiltshire", "SN"),
    ("Dorset", "DT"),
    ("Somerset", "TA"),
    ("Bristol", "BS"),
    ("Devon", "EX"),
    ("Plymouth", "PL"),
    ("Cornwall", "TR"),
    ("Camden", "NW"),
    ("Hackney", "E"),
    ("Lambeth", "SE"),
    ("Southwark", "SE"),
    ("Tower Hamlets", "E"),
    ("Newham", "E"),
    ("Croydon", "CR"),
    ("Barnet", "EN"),
    ("Ealing", "W"),
];

/// First halves of made-up English place names.
pub const PLACE_STEMS: &[&str] = &[
    "Ash", "Oak", "Elm", "Brook", "Mill", "Kings", "Queens", "West", "East", "North", "South",
    "Holly", "Bridge", "Church", "Green", "Hill", "Rose", "Wood", "Fair", "Long", "Red",
    "White", "Black", "Stan", "Chester", "Bright", "Mead", "Hazel", "Thorn", "Willow", "Beech",
    "Maple", "Cedar", "Lark", "Swan", "Wren", "High", "New", "Old", "Salt", "Stone", "Marsh",
    "Fern", "Heather", "Alder", "Birch", "Bram", "Cole", "Dun", "Ever",
];

/// Second halves of made-up English place names.
pub const PLACE_ENDINGS: &[&str] = &[
    "field", "wood", "mead", "brook", "croft", "ley", "ton", "bury", "ford", "well", "dale",
    "gate", "hurst", "combe", "moor", "ham", "worth", "side", "lands", "vale", "bank", "wick",
];

/// Saints English church schools are named after.
pub const SAINTS: &[&str] = &[
    "St Aidan's", "St Mary's", "St John's", "St Peter's", "St Paul's", "St Michael's",
    "St Andrew's", "St George's", "St Anne's", "St Joseph's", "St Chad's", "St Oswald's",
    "St Bede's", "St Hilda's", "Holy Trinity", "Christ Church", "All Saints", "St Luke's",
    "St Margaret's", "St Thomas More",
];

/// Given names of people.
pub const GIVEN_NAMES: &[&str] = &[
    "Amelia", "Oliver", "Priya", "Daniel", "Grace", "Samuel", "Aisha", "Thomas", "Hannah",
    "Joseph", "Chloe", "Mohammed", "Ella", "James", "Zara", "Lucas", "Sophie", "Harry", "Maya",
    "Ethan", "Olivia", "George", "Isla", "Noah", "Ava", "Arthur", "Mia", "Leo", "Freya",
    "Oscar", "Emily", "Jack", "Poppy", "Charlie", "Evie", "Alfie", "Ruby", "Henry", "Florence",
    "Jacob", "Isabella", "William", "Rosie", "Theo", "Lily", "Adam", "Fatima", "Yusuf",
    "Amira", "Ibrahim", "Anika", "Rohan", "Sana", "Arjun", "Niamh", "Ciaran", "Siobhan",
    "Rhys", "Cerys", "Dylan", "Megan", "Callum", "Eilidh", "Fraser", "Kirsty", "Ewan",
    "Tomasz", "Zofia", "Kacper", "Oluwaseun", "Chidi", "Ngozi", "Kwame", "Abena", "Mei",
    "Wei", "Hyun", "Ana", "Mateo", "Lucia", "Sofia", "Gabriel", "Elena", "Nadia", "Karim",
    "Layla", "Omar", "Sienna", "Finley", "Matilda", "Reuben", "Imogen", "Toby", "Harriet",
    "Edward", "Eleanor", "Patrick", "Bethany", "Stephen", "Rachel", "Andrew", "Claire",
    "Mark", "Joanne", "Paul", "Sarah", "David", "Helen", "Richard", "Karen",
];

/// Family names of people.
pub const FAMILY_NAMES: &[&str] = &[
    "Okafor", "Bennett", "Shah", "Hughes", "Kowalski", "Evans", "Begum", "Clarke", "Murphy",
    "Patel", "Wright", "Hussain", "Taylor", "Nguyen", "Roberts", "Campbell", "Ali", "Price",
    "Morgan", "Fletcher", "Smith", "Jones", "Williams", "Brown", "Davies", "Wilson",
    "Johnson", "Thompson", "Walker", "White", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Martin", "Jackson", "Thomas", "Lewis", "Robinson", "Khan", "Ahmed", "Singh", "Kaur",
    "Chowdhury", "Rahman", "Iqbal", "Mistry", "Sharma", "Gill", "O'Brien", "O'Connor",
    "Kelly", "Byrne", "McDonald", "Stewart", "Fraser", "Reid", "Nowak", "Wojcik", "Adeyemi",
    "Mensah", "Owusu", "Asante", "Chen", "Wang", "Li", "Kim", "Santos", "Silva", "Rossi",
    "Moreau", "Novak", "Baker", "Turner", "Cooper", "Ward", "Morris", "King", "Cox",
    "Parker", "Collins", "Bell", "Marshall", "Simpson", "Ellis", "Holmes", "Lloyd", "Hunt",
    "Palmer", "Mills", "Barnes", "Knight", "Fisher", "Webb", "Rowe", "Dixon", "Pearson",
    "Chapman", "Grant", "Burton", "Harvey", "Stevens", "Payne", "Pritchard",
];

pub const PRIMARY_SUBJECTS: &[&str] = &[
    "English", "Mathematics", "Science", "Computing", "History", "Geography", "Art and design",
    "Design and technology", "Music", "Physical education", "Religious education", "Languages",
    "PSHE", "Phonics",
];

pub const SECONDARY_SUBJECTS: &[&str] = &[
    "English", "Mathematics", "Biology", "Chemistry", "Physics", "Computing", "History",
    "Geography", "French", "Spanish", "German", "Art and design", "Design and technology",
    "Music", "Drama", "Physical education", "Religious education", "Business studies",
    "Economics", "Psychology", "Sociology", "Media studies", "Food and nutrition", "Citizenship",
];

pub const SUPPORT_TITLES: &[&str] = &[
    "School business manager", "Office manager", "Site manager", "Attendance officer",
    "Librarian", "Data manager", "Family support worker", "Finance officer", "IT technician",
];

pub const SENIOR_TITLES: &[&str] = &[
    "Assistant headteacher", "Deputy headteacher", "Assistant headteacher (inclusion)",
    "Assistant headteacher (curriculum)",
];

pub const EXPERTISE: &[&str] = &[
    "Mathematics mastery", "Early reading and phonics", "Assessment for learning",
    "SEND and inclusion", "Behaviour and attendance", "Curriculum design", "Science enquiry",
    "Oracy", "Metacognition", "Early years", "Modern foreign languages", "Leadership of CPD",
    "Disadvantaged pupils", "Writing", "Mental health and wellbeing",
];

pub const PARTNERSHIP_NAMES: &[(&str, &str)] = &[
    ("KS2 Maths Mastery Partnership", "Schools developing mastery approaches to KS2 mathematics together."),
    ("Early Reading Hub", "Sharing systematic synthetic phonics practice and reading for pleasure."),
    ("Transition Partnership", "Continuity and progression from Year 6 to Year 7 between secondaries and their feeder primaries."),
    ("Oracy Network", "Teaching talk across the curriculum, with shared lesson study."),
    ("SEND Inclusion Partnership", "Adaptive teaching and early identification of special educational needs."),
    ("Science Enquiry Group", "Working scientifically: planning enquiries and assessing them consistently."),
    ("Writing Moderation Cluster", "Moderating KS1 and KS2 writing judgements together."),
    ("Wellbeing and Attendance Project", "Raising attendance through pastoral support and family work."),
    ("Curriculum Leadership Network", "Subject leaders designing and reviewing a sequenced curriculum."),
    ("Early Career Teacher Network", "Mentoring and peer observation for teachers in their first two years."),
    ("Disadvantaged Pupils Project", "Closing gaps for disadvantaged pupils through high-quality teaching."),
    ("Modern Languages Partnership", "Primary and secondary language teachers planning a joined-up KS2-KS3 sequence."),
];

pub const VISIONS: &[&str] = &[
    "Every child taught well, every teacher learning: schools improving together through enquiry and coaching.",
    "A family of schools from nursery to sixth form, with continuity of learning from phase to phase.",
    "Great teaching in every classroom, built on shared evidence and honest peer review.",
    "Schools that know each other well, share what works and put disadvantaged pupils first.",
    "Professional learning that lasts: lesson study, coaching and research in every school.",
    "Inclusive schools where every pupil, whatever their starting point, thrives.",
];
