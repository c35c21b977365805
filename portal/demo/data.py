"""Hand-written material the demo generator draws on: names, job titles, time zones, goals and skills."""
from __future__ import annotations

# Names grouped by language or country, so a generated person's first name and surname belong together.
# name pool -> (first names, surnames); surnames are ones that do not change with gender.
NAME_POOLS: dict[str, tuple[list[str], list[str]]] = {
    "english": (
        ["James", "Emma", "Oliver", "Charlotte", "Liam", "Olivia", "Ethan", "Hannah", "Jack", "Chloe", "Ryan",
         "Megan", "Daniel", "Sarah", "Michael", "Emily", "Connor", "Grace", "Aoife", "Siobhan"],
        ["Smith", "Johnson", "Williams", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thompson", "Walker",
         "Robinson", "Clarke", "Murphy", "O'Brien", "Kelly", "Campbell", "Stewart", "Mitchell", "Bennett", "Hughes"],
    ),
    "german": (
        ["Lukas", "Anna", "Felix", "Lena", "Jonas", "Sophie", "Maximilian", "Laura", "Katrin", "Tobias"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter",
         "Wolf", "Schäfer"],
    ),
    "dutch": (
        ["Daan", "Sanne", "Niels", "Femke", "Bram", "Lotte", "Joris", "Anouk"],
        ["de Vries", "van Dijk", "Jansen", "Bakker", "Visser", "de Jong", "Smit", "Meijer"],
    ),
    "french": (
        ["Camille", "Louis", "Manon", "Julien", "Léa", "Antoine", "Élodie", "Mathieu"],
        ["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Rousseau"],
    ),
    "scandinavian": (
        ["Erik", "Ingrid", "Lars", "Astrid", "Freja", "Oskar", "Sigrid", "Mattias", "Elin", "Anders"],
        ["Andersson", "Johansson", "Lindqvist", "Nilsson", "Hansen", "Larsen", "Berg", "Eriksson", "Jensen"],
    ),
    "finnish": (
        ["Mikko", "Aino", "Juha", "Sanna"],
        ["Virtanen", "Korhonen", "Mäkinen", "Nieminen"],
    ),
    "italian": (
        ["Giulia", "Marco", "Francesca", "Alessandro", "Chiara", "Luca", "Matteo", "Sara"],
        ["Rossi", "Bianchi", "Romano", "Ricci", "Colombo", "Esposito", "Greco", "Conti"],
    ),
    "spanish": (
        ["Lucía", "Javier", "Carmen", "Pablo", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Gabriela",
         "Alejandro", "Mariana"],
        ["García", "Fernández", "López", "Martínez", "Hernández", "González", "Rodríguez", "Ramírez", "Torres",
         "Flores", "Castillo", "Vargas", "Morales"],
    ),
    "portuguese": (
        ["Inês", "João", "Rafael", "Fernanda", "Thiago", "Larissa", "Beatriz", "Tiago"],
        ["Silva", "Santos", "Ferreira", "Costa", "Oliveira", "Souza", "Pereira", "Almeida"],
    ),
    "polish": (
        ["Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Jakub", "Marta", "Magdalena", "Paweł", "Michał", "Joanna"],
        ["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Kowalczyk", "Zając", "Król", "Pawlak", "Wróbel"],
    ),
    "ukrainian": (
        ["Olena", "Andriy", "Natalia", "Oksana", "Dmytro", "Iryna", "Serhiy"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko"],
    ),
    "romanian": (
        ["Ioana", "Andrei", "Mihai", "Elena", "Cristina", "Alexandru"],
        ["Popescu", "Ionescu", "Constantin", "Dumitru", "Stan", "Munteanu"],
    ),
    "indian": (
        ["Priya", "Arjun", "Ananya", "Rohan", "Vikram", "Kavya", "Rahul", "Neha", "Aditya", "Sneha", "Sanjay",
         "Deepika"],
        ["Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Nair", "Menon", "Raman", "Chatterjee", "Kapoor", "Desai", "Rao",
         "Joshi", "Mehta", "Krishnan"],
    ),
    "pakistani": (
        ["Imran", "Farah", "Ayesha", "Bilal", "Zainab"],
        ["Khan", "Hussain", "Ahmed", "Malik", "Qureshi"],
    ),
    "chinese": (
        ["Wei", "Mei", "Jun", "Xin", "Hao", "Yan", "Lei", "Ling", "Jing", "Yu"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Lin", "Tan", "Lim", "Ng"],
    ),
    "japanese": (
        ["Hiroshi", "Yuki", "Kenji", "Aiko", "Takeshi", "Haruka", "Sota", "Emi"],
        ["Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Nakamura", "Kobayashi"],
    ),
    "korean": (
        ["Min-jun", "Ji-woo", "Seo-yeon", "Hyun-woo", "Ji-hoon", "Soo-ah"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang"],
    ),
    "vietnamese": (
        ["Minh", "Linh", "Thanh", "Huong", "Quang"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang"],
    ),
    "filipino": (
        ["Angelica", "Mark", "Kristine", "Paolo", "Bea"],
        ["Reyes", "Cruz", "Bautista", "Dela Cruz", "Villanueva"],
    ),
    "indonesian": (
        ["Putri", "Budi", "Dewi", "Rizky", "Ayu"],
        ["Wijaya", "Santoso", "Hartono", "Kusuma", "Pratama"],
    ),
    "nigerian": (
        ["Chinedu", "Adaeze", "Oluwaseun", "Ngozi", "Tunde", "Yetunde", "Emeka", "Funmilayo"],
        ["Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Eze", "Okoro"],
    ),
    "ghanaian": (
        ["Kwame", "Ama", "Kofi", "Efua", "Kwabena", "Akosua"],
        ["Mensah", "Boateng", "Owusu", "Asante", "Osei"],
    ),
    "kenyan": (
        ["Wanjiru", "Amani", "Njeri", "Kiprop", "Achieng"],
        ["Kamau", "Mwangi", "Odhiambo", "Otieno", "Wafula"],
    ),
    "south_african": (
        ["Thabo", "Naledi", "Sipho", "Zanele", "Lerato"],
        ["Ndlovu", "Dlamini", "Nkosi", "Mokoena", "Khumalo"],
    ),
    "arabic": (
        ["Omar", "Layla", "Youssef", "Nour", "Karim", "Rania", "Hassan", "Salma", "Tariq", "Yasmin"],
        ["Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Hamdan", "Aziz"],
    ),
    "turkish": (
        ["Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Can", "Deniz"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Arslan", "Doğan"],
    ),
    "persian": (
        ["Shirin", "Arash", "Leila", "Reza", "Dariush"],
        ["Rahimi", "Hosseini", "Karimi", "Tehrani", "Moradi"],
    ),
    "hebrew": (
        ["Noa", "Yonatan", "Tamar", "Eitan"],
        ["Cohen", "Levi", "Mizrahi", "Friedman"],
    ),
}

FIRST_NAMES = sorted({name for firsts, _ in NAME_POOLS.values() for name in firsts})
SURNAMES = sorted({name for _, lasts in NAME_POOLS.values() for name in lasts})

# IANA zone, relative weight, usual start, usual end, name pools common among colleagues there (the local one first).
TIME_ZONES: list[tuple[str, int, str, str, tuple[str, ...]]] = [
    ("Europe/London", 12, "09:00", "17:30", ("english", "indian", "pakistani", "nigerian", "polish", "persian")),
    ("Europe/Dublin", 3, "09:00", "17:30", ("english", "polish", "spanish")),
    ("Europe/Lisbon", 2, "09:00", "18:00", ("portuguese",)),
    ("Europe/Madrid", 4, "09:00", "18:00", ("spanish",)),
    ("Europe/Paris", 6, "09:00", "18:00", ("french", "arabic")),
    ("Europe/Brussels", 2, "08:30", "17:00", ("french", "dutch")),
    ("Europe/Amsterdam", 4, "08:30", "17:00", ("dutch", "turkish", "english")),
    ("Europe/Berlin", 7, "08:00", "16:30", ("german", "turkish", "polish")),
    ("Europe/Vienna", 1, "08:00", "16:30", ("german",)),
    ("Europe/Zurich", 2, "08:00", "17:00", ("german", "french", "italian")),
    ("Europe/Rome", 3, "09:00", "18:00", ("italian",)),
    ("Europe/Stockholm", 3, "08:00", "16:30", ("scandinavian",)),
    ("Europe/Copenhagen", 2, "08:00", "16:00", ("scandinavian",)),
    ("Europe/Helsinki", 1, "08:00", "16:00", ("finnish",)),
    ("Europe/Warsaw", 4, "08:00", "16:00", ("polish", "ukrainian")),
    ("Europe/Bucharest", 2, "09:00", "18:00", ("romanian",)),
    ("Europe/Kyiv", 2, "09:00", "18:00", ("ukrainian",)),
    ("Europe/Istanbul", 2, "09:00", "18:00", ("turkish",)),
    ("America/New_York", 12, "09:00", "17:00", ("english", "spanish", "indian", "chinese", "nigerian")),
    ("America/Toronto", 4, "09:00", "17:00", ("english", "indian", "chinese", "filipino", "pakistani")),
    ("America/Chicago", 6, "08:30", "17:00", ("english", "spanish", "polish")),
    ("America/Denver", 2, "08:00", "16:30", ("english", "spanish")),
    ("America/Los_Angeles", 9, "09:00", "17:30",
     ("english", "chinese", "spanish", "indian", "korean", "vietnamese", "persian")),
    ("America/Vancouver", 2, "09:00", "17:00", ("english", "chinese", "indian")),
    ("America/Mexico_City", 3, "09:00", "18:00", ("spanish",)),
    ("America/Bogota", 2, "08:00", "17:00", ("spanish",)),
    ("America/Santiago", 1, "09:00", "18:00", ("spanish",)),
    ("America/Sao_Paulo", 4, "09:00", "18:00", ("portuguese", "japanese", "italian")),
    ("America/Argentina/Buenos_Aires", 2, "09:00", "18:00", ("spanish", "italian")),
    ("Africa/Lagos", 2, "08:00", "17:00", ("nigerian",)),
    ("Africa/Accra", 1, "08:00", "17:00", ("ghanaian",)),
    ("Africa/Nairobi", 1, "08:00", "17:00", ("kenyan",)),
    ("Africa/Johannesburg", 2, "08:00", "17:00", ("south_african", "english")),
    ("Asia/Dubai", 2, "09:00", "18:00", ("arabic", "indian", "pakistani", "filipino")),
    ("Asia/Jerusalem", 1, "09:00", "18:00", ("hebrew",)),
    ("Asia/Kolkata", 6, "10:00", "18:30", ("indian",)),
    ("Asia/Singapore", 3, "09:00", "18:00", ("chinese", "indian", "indonesian")),
    ("Asia/Manila", 2, "09:00", "18:00", ("filipino",)),
    ("Asia/Jakarta", 1, "08:00", "17:00", ("indonesian",)),
    ("Asia/Ho_Chi_Minh", 1, "08:30", "17:30", ("vietnamese",)),
    ("Asia/Shanghai", 2, "09:00", "18:00", ("chinese",)),
    ("Asia/Tokyo", 2, "09:00", "18:00", ("japanese",)),
    ("Asia/Seoul", 1, "09:00", "18:00", ("korean",)),
    ("Australia/Sydney", 3, "08:30", "17:00", ("english", "chinese", "indian")),
    ("Australia/Melbourne", 2, "08:30", "17:00", ("english", "italian", "chinese")),
    ("Pacific/Auckland", 1, "08:30", "17:00", ("english",)),
]

# How departments are sized relative to each other in a typical mid-sized company.
DEPARTMENT_WEIGHTS = {
    "Engineering": 20,
    "Product": 7,
    "Design": 4,
    "Data & Analytics": 6,
    "Sales": 10,
    "Marketing": 7,
    "Customer Success": 7,
    "Finance": 6,
    "People & HR": 5,
    "Operations": 8,
    "Legal": 3,
    "IT & Security": 5,
}

# Mentors skew senior, mentees junior; people who are both sit in the middle.
MENTOR_SENIORITY_WEIGHTS = {"Team lead": 20, "Manager": 26, "Senior manager": 22, "Director": 22, "Executive": 10}
MENTEE_SENIORITY_WEIGHTS = {"Individual contributor": 36, "Senior individual contributor": 30, "Team lead": 19,
                            "Manager": 15}
BOTH_SENIORITY_WEIGHTS = {"Team lead": 40, "Manager": 40, "Senior manager": 20}

# department -> seniority -> typical job titles
JOB_TITLES: dict[str, dict[str, list[str]]] = {
    "Engineering": {
        "Individual contributor": ["Software Engineer", "Backend Engineer", "Frontend Engineer", "QA Engineer",
                                   "Site Reliability Engineer"],
        "Senior individual contributor": ["Senior Software Engineer", "Staff Engineer", "Senior Backend Engineer",
                                          "Senior Site Reliability Engineer"],
        "Team lead": ["Tech Lead", "Engineering Team Lead", "Lead Software Engineer"],
        "Manager": ["Engineering Manager"],
        "Senior manager": ["Senior Engineering Manager", "Head of Platform Engineering"],
        "Director": ["Director of Engineering", "Director of Platform"],
        "Executive": ["VP of Engineering", "Chief Technology Officer"],
    },
    "Product": {
        "Individual contributor": ["Associate Product Manager", "Product Manager", "Product Owner"],
        "Senior individual contributor": ["Senior Product Manager", "Principal Product Manager"],
        "Team lead": ["Lead Product Manager", "Product Lead"],
        "Manager": ["Group Product Manager"],
        "Senior manager": ["Senior Group Product Manager", "Head of Product"],
        "Director": ["Director of Product"],
        "Executive": ["VP of Product", "Chief Product Officer"],
    },
    "Design": {
        "Individual contributor": ["Product Designer", "UX Designer", "UX Researcher", "Visual Designer"],
        "Senior individual contributor": ["Senior Product Designer", "Senior UX Researcher", "Principal Designer"],
        "Team lead": ["Lead Product Designer", "Design Lead"],
        "Manager": ["Design Manager", "UX Research Manager"],
        "Senior manager": ["Senior Design Manager", "Head of Design"],
        "Director": ["Director of Design", "Director of UX"],
        "Executive": ["VP of Design", "Chief Design Officer"],
    },
    "Data & Analytics": {
        "Individual contributor": ["Data Analyst", "Data Scientist", "Analytics Engineer", "BI Developer"],
        "Senior individual contributor": ["Senior Data Scientist", "Senior Data Engineer", "Senior Data Analyst",
                                          "Machine Learning Engineer"],
        "Team lead": ["Lead Data Scientist", "Analytics Team Lead"],
        "Manager": ["Analytics Manager", "Data Science Manager"],
        "Senior manager": ["Senior Manager, Data Science", "Head of Analytics"],
        "Director": ["Director of Data Science", "Director of Analytics"],
        "Executive": ["Chief Data Officer", "VP of Data"],
    },
    "Sales": {
        "Individual contributor": ["Sales Development Representative", "Account Executive",
                                   "Inside Sales Representative"],
        "Senior individual contributor": ["Senior Account Executive", "Enterprise Account Executive",
                                          "Solutions Consultant"],
        "Team lead": ["Sales Team Lead", "Team Lead, Enterprise Sales"],
        "Manager": ["Sales Manager", "Regional Sales Manager"],
        "Senior manager": ["Senior Sales Manager", "Head of Enterprise Sales"],
        "Director": ["Sales Director", "Regional Sales Director"],
        "Executive": ["VP of Sales", "Chief Revenue Officer"],
    },
    "Marketing": {
        "Individual contributor": ["Marketing Specialist", "Content Marketer", "Digital Marketing Specialist"],
        "Senior individual contributor": ["Senior Product Marketing Manager", "Senior Content Strategist",
                                          "Senior Growth Marketer"],
        "Team lead": ["Marketing Team Lead", "Content Lead"],
        "Manager": ["Marketing Manager", "Brand Manager", "Demand Generation Manager"],
        "Senior manager": ["Senior Marketing Manager", "Head of Brand"],
        "Director": ["Marketing Director", "Director of Product Marketing"],
        "Executive": ["Chief Marketing Officer", "VP of Marketing"],
    },
    "Customer Success": {
        "Individual contributor": ["Customer Success Manager", "Support Specialist", "Onboarding Specialist"],
        "Senior individual contributor": ["Senior Customer Success Manager", "Technical Account Manager"],
        "Team lead": ["Customer Support Team Lead", "Customer Success Team Lead"],
        "Manager": ["Manager, Customer Success", "Support Manager"],
        "Senior manager": ["Senior Manager, Customer Success", "Head of Support"],
        "Director": ["Director of Customer Success"],
        "Executive": ["Chief Customer Officer", "VP of Customer Success"],
    },
    "Finance": {
        "Individual contributor": ["Financial Analyst", "Accountant", "Accounts Payable Specialist"],
        "Senior individual contributor": ["Senior Financial Analyst", "Senior Accountant", "Senior FP&A Analyst"],
        "Team lead": ["Finance Team Lead", "Lead Accountant"],
        "Manager": ["Finance Manager", "FP&A Manager"],
        "Senior manager": ["Financial Controller", "Head of FP&A"],
        "Director": ["Finance Director", "Director of FP&A"],
        "Executive": ["Chief Financial Officer", "VP of Finance"],
    },
    "People & HR": {
        "Individual contributor": ["HR Generalist", "Recruiter", "People Operations Specialist"],
        "Senior individual contributor": ["HR Business Partner", "Senior Recruiter",
                                          "Learning and Development Specialist"],
        "Team lead": ["Talent Acquisition Lead", "People Operations Lead"],
        "Manager": ["HR Manager", "Talent Acquisition Manager"],
        "Senior manager": ["Head of Talent", "Head of Learning and Development"],
        "Director": ["HR Director", "Director of Talent"],
        "Executive": ["Chief People Officer", "VP of People"],
    },
    "Operations": {
        "Individual contributor": ["Operations Analyst", "Operations Coordinator", "Supply Chain Analyst"],
        "Senior individual contributor": ["Senior Operations Analyst", "Senior Business Analyst",
                                          "Procurement Specialist"],
        "Team lead": ["Operations Team Lead", "Logistics Lead"],
        "Manager": ["Operations Manager", "Supply Chain Manager"],
        "Senior manager": ["Senior Operations Manager", "Head of Business Operations"],
        "Director": ["Director of Operations"],
        "Executive": ["Chief Operating Officer", "VP of Operations"],
    },
    "Legal": {
        "Individual contributor": ["Paralegal", "Legal Counsel", "Compliance Analyst"],
        "Senior individual contributor": ["Senior Legal Counsel", "Privacy Counsel", "Senior Compliance Analyst"],
        "Team lead": ["Lead Counsel", "Compliance Lead"],
        "Manager": ["Legal Manager", "Compliance Manager"],
        "Senior manager": ["Head of Compliance", "Associate General Counsel"],
        "Director": ["Deputy General Counsel", "Director of Compliance"],
        "Executive": ["General Counsel", "Chief Legal Officer"],
    },
    "IT & Security": {
        "Individual contributor": ["IT Support Specialist", "Security Analyst", "Systems Administrator"],
        "Senior individual contributor": ["Senior Security Engineer", "Senior Systems Engineer", "Security Architect"],
        "Team lead": ["IT Team Lead", "Security Operations Lead"],
        "Manager": ["IT Manager", "Security Operations Manager"],
        "Senior manager": ["Head of IT", "Head of Security"],
        "Director": ["Director of IT", "Director of Information Security"],
        "Executive": ["Chief Information Security Officer", "Chief Information Officer"],
    },
}

# How a department reads in the middle of a sentence.
DEPARTMENT_PHRASES = {
    "Engineering": "engineering",
    "Product": "product management",
    "Design": "design",
    "Data & Analytics": "data and analytics",
    "Sales": "sales",
    "Marketing": "marketing",
    "Customer Success": "customer success",
    "Finance": "finance",
    "People & HR": "HR",
    "Operations": "operations",
    "Legal": "legal",
    "IT & Security": "IT and security",
}

# The moves people plausibly make between departments, used for career-change goals and stories.
ADJACENT_DEPARTMENTS = {
    "Engineering": ["Product", "Data & Analytics", "IT & Security"],
    "Product": ["Engineering", "Design", "Marketing", "Customer Success", "Data & Analytics"],
    "Design": ["Product", "Marketing"],
    "Data & Analytics": ["Engineering", "Finance", "Product", "Marketing"],
    "Sales": ["Customer Success", "Marketing"],
    "Marketing": ["Sales", "Product", "Design"],
    "Customer Success": ["Sales", "Operations", "Product"],
    "Finance": ["Operations", "Data & Analytics", "Legal"],
    "People & HR": ["Operations", "Legal", "Customer Success"],
    "Operations": ["Finance", "Customer Success", "IT & Security"],
    "Legal": ["Finance", "People & HR"],
    "IT & Security": ["Engineering", "Operations"],
}

# The craft skills of each department (all in the default vocabulary).
DEPARTMENT_SKILLS: dict[str, list[str]] = {
    "Engineering": ["Python", "JavaScript", "Java", "Go", "SQL", "Cloud architecture", "System design", "DevOps",
                    "Testing and quality", "Code review", "Technical writing", "Agile practices", "Machine learning"],
    "Product": ["Product management", "Roadmapping", "User research", "Experimentation", "Data-driven decisions",
                "Agile practices", "Business strategy", "Customer focus"],
    "Design": ["UX design", "Visual design", "User research", "Facilitation", "Storytelling", "Experimentation"],
    "Data & Analytics": ["Data analysis", "Data engineering", "Machine learning", "SQL", "Python",
                         "Data-driven decisions", "Storytelling", "Experimentation"],
    "Sales": ["Sales", "Negotiation", "Customer focus", "Networking", "Storytelling", "Public speaking"],
    "Marketing": ["Marketing", "Storytelling", "Business writing", "Experimentation", "Data analysis",
                  "Personal branding", "Visual design"],
    "Customer Success": ["Customer focus", "Sales", "Conflict resolution", "Active listening", "Onboarding",
                         "Process improvement", "Negotiation"],
    "Finance": ["Financial acumen", "Data analysis", "Business strategy", "SQL", "Process improvement",
                "Data-driven decisions"],
    "People & HR": ["Hiring and interviewing", "Coaching", "Onboarding", "Diversity, equity and inclusion",
                    "Conflict resolution", "Change management", "Facilitation", "Active listening"],
    "Operations": ["Process improvement", "Project management", "Data analysis", "Financial acumen",
                   "Change management", "Agile practices"],
    "Legal": ["Negotiation", "Business writing", "Stakeholder management", "Decision making", "Cybersecurity",
              "Conflict resolution"],
    "IT & Security": ["Cybersecurity", "Cloud architecture", "DevOps", "System design", "Process improvement",
                      "Technical writing", "Project management"],
}

# What people at each level can offer as mentors, beyond their craft.
MENTOR_SKILLS_BY_SENIORITY: dict[str, list[str]] = {
    "Team lead": ["Leadership", "Coaching", "Delegation", "Giving feedback", "Cross-functional collaboration",
                  "Project management", "Onboarding", "Time management", "Career planning", "Agile practices"],
    "Manager": ["People management", "Giving feedback", "Hiring and interviewing", "Coaching", "Delegation",
                "Conflict resolution", "Stakeholder management", "Career planning", "Building teams", "Remote work",
                "Work-life balance"],
    "Senior manager": ["People management", "Building teams", "Stakeholder management", "Change management",
                       "Influencing without authority", "Hiring and interviewing", "Strategic thinking",
                       "Decision making", "Resilience", "Diversity, equity and inclusion"],
    "Director": ["Strategic thinking", "Change management", "Stakeholder management", "Executive presence",
                 "Building teams", "Influencing without authority", "Decision making", "Public speaking",
                 "Business strategy", "Financial acumen", "Networking", "Diversity, equity and inclusion"],
    "Executive": ["Strategic thinking", "Business strategy", "Executive presence", "Leadership", "Decision making",
                  "Public speaking", "Financial acumen", "Networking", "Change management", "Entrepreneurship",
                  "Storytelling", "Personal branding"],
}

# What people at each level typically want to grow, beyond their craft.
MENTEE_GROW_BY_SENIORITY: dict[str, list[str]] = {
    "Individual contributor": ["Confidence", "Public speaking", "Time management", "Career planning",
                               "Business writing", "Stakeholder management", "Networking", "Personal branding",
                               "Cross-functional collaboration", "Work-life balance", "Active listening"],
    "Senior individual contributor": ["Influencing without authority", "Stakeholder management", "Leadership",
                                      "Public speaking", "Coaching", "Strategic thinking", "Career planning",
                                      "Decision making", "Storytelling", "Executive presence"],
    "Team lead": ["People management", "Delegation", "Giving feedback", "Leadership", "Hiring and interviewing",
                  "Conflict resolution", "Time management", "Coaching", "Stakeholder management"],
    "Manager": ["Strategic thinking", "Building teams", "Change management", "Executive presence",
                "Influencing without authority", "Decision making", "Financial acumen", "Business strategy",
                "Resilience", "Work-life balance"],
    "Senior manager": ["Executive presence", "Strategic thinking", "Business strategy", "Financial acumen",
                       "Change management", "Public speaking"],
}

# Anyone might mentor on these, whatever their job.
PERSONAL_SKILLS = ["Emotional intelligence", "Active listening", "Resilience", "Work-life balance", "Confidence",
                   "Career planning", "Returning to work", "Remote work", "Time management"]

# What most mentees ask for, and what the handful of sought-after executive mentors offer.
IN_DEMAND_SKILLS = ["Leadership", "Strategic thinking", "Executive presence", "Stakeholder management",
                    "Career planning", "Public speaking", "Influencing without authority", "Decision making",
                    "Building teams"]

# Skills people type that are not in the vocabulary (checked against its names and aliases).
FREE_SKILLS: dict[str, list[str]] = {
    "Engineering": ["Kubernetes", "Rust", "Terraform", "React", "GraphQL", "Kafka"],
    "Product": ["Pricing", "Product-led growth", "Platform products"],
    "Design": ["Figma", "Design systems", "Accessibility"],
    "Data & Analytics": ["dbt", "Spark", "Tableau", "Statistics", "Forecasting"],
    "Sales": ["Salesforce", "Partnerships", "Public sector sales"],
    "Marketing": ["SEO", "Content strategy", "Brand strategy", "Events"],
    "Customer Success": ["Zendesk", "Renewals", "Customer education"],
    "Finance": ["IFRS", "Financial modelling", "Tax", "Mergers and acquisitions"],
    "People & HR": ["Employment law", "Compensation and benefits", "Workforce planning"],
    "Operations": ["Supply chain", "Vendor management", "Procurement"],
    "Legal": ["Contract law", "GDPR", "Intellectual property"],
    "IT & Security": ["Kubernetes", "ITIL", "Zero trust", "Identity management", "Incident response"],
}
GENERAL_FREE_SKILLS = ["Mandarin", "Spanish", "German", "French", "Japanese", "Sign language", "Mindfulness",
                       "Neurodiversity"]

# Each skill as it reads after "at", "on", "with" or "about" in a sentence.
SKILL_PHRASES = {
    "Python": "Python",
    "JavaScript": "JavaScript",
    "Java": "Java",
    "Go": "Go",
    "SQL": "SQL",
    "Cloud architecture": "cloud architecture",
    "System design": "system design",
    "Machine learning": "machine learning",
    "Data analysis": "data analysis",
    "Data engineering": "data engineering",
    "DevOps": "DevOps",
    "Cybersecurity": "security",
    "Testing and quality": "software testing",
    "Code review": "code review",
    "Technical writing": "technical writing",
    "Product management": "product management",
    "Roadmapping": "prioritisation",
    "User research": "user research",
    "UX design": "UX design",
    "Visual design": "visual design",
    "Experimentation": "experimentation",
    "Leadership": "leadership",
    "People management": "people management",
    "Giving feedback": "giving honest feedback",
    "Coaching": "coaching",
    "Hiring and interviewing": "hiring",
    "Delegation": "delegation",
    "Building teams": "building teams",
    "Change management": "leading change",
    "Strategic thinking": "strategic thinking",
    "Decision making": "decision making",
    "Executive presence": "executive presence",
    "Stakeholder management": "stakeholder management",
    "Negotiation": "negotiation",
    "Conflict resolution": "handling conflict",
    "Cross-functional collaboration": "cross-functional work",
    "Influencing without authority": "influencing without authority",
    "Networking": "networking",
    "Public speaking": "public speaking",
    "Business writing": "business writing",
    "Storytelling": "storytelling",
    "Active listening": "active listening",
    "Facilitation": "facilitating workshops",
    "Project management": "project management",
    "Agile practices": "agile ways of working",
    "Process improvement": "process improvement",
    "Time management": "time management",
    "Career planning": "career planning",
    "Work-life balance": "keeping a sustainable pace",
    "Resilience": "handling setbacks",
    "Confidence": "speaking up with confidence",
    "Emotional intelligence": "emotional intelligence",
    "Personal branding": "personal branding",
    "Financial acumen": "business finance",
    "Business strategy": "business strategy",
    "Sales": "sales",
    "Marketing": "marketing",
    "Customer focus": "understanding customers",
    "Entrepreneurship": "entrepreneurial thinking",
    "Data-driven decisions": "using data to make decisions",
    "Diversity, equity and inclusion": "inclusive leadership",
    "Remote work": "hybrid working",
    "Onboarding": "onboarding new joiners",
    "Returning to work": "returning to work after a break",
}

# Placeholders: {skill} and {skill2} (phrases of the person's skills), {craft} (a hands-on skill of their
# department), {department}, {other_department}, {next_role}; mentors' stories also {role}, {previous_role},
# {previous_department}, {years}, {team_from} and {team_to}.
GOALS_6M = [
    "Lead my first cross-team project and get better at {skill} along the way.",
    "Get comfortable with {skill}: right now I avoid it, and it is starting to hold me back.",
    "Build a clear case for promotion to {next_role} by the end of the year.",
    "Run the next quarterly planning for my team and get better at {skill}.",
    "Present our team's work at the all-hands without spending a week over-preparing.",
    "Own a project end to end, from scoping to launch, and learn {craft} properly on the way.",
    "Have a plan for {skill} and another for {skill2}, with one real project to practise each on.",
    "Understand what is expected at {next_role} level and close the biggest gap.",
    "Give and receive feedback more openly, especially with people more senior than me.",
    "Say no more often and protect time for the work that matters most.",
    "Find out whether a move into {other_department} is right for me by talking to people who made it.",
    "Get hands-on practice with {craft} on a real project, not just courses.",
    "Build relationships with the {other_department} team so our projects stop stalling at handover.",
    "Speak up more in leadership meetings and be clearer about what I need from others.",
    "Work on {skill}; my last review named it as the main thing to develop.",
    "Mentor a new joiner for the first time and learn to explain my work simply.",
    "Deliver the project I'm leading this half on time, and keep stakeholders informed without endless meetings.",
    "Get better at {skill}, and at {skill2}, so I can take on bigger projects.",
    "Build a network beyond my immediate team and get known outside my department.",
    "Write a short strategy document for my area and get it reviewed by senior leadership.",
    "Learn to estimate work realistically and push back when a deadline is not achievable.",
    "Feel confident running a workshop with senior stakeholders in the room.",
    "Become the person my team comes to for {craft}.",
    "Have an honest conversation with my manager about my next step and agree a development plan.",
    "Understand how decisions in {department} get made above my level, and start contributing to them.",
    "Ship one piece of work I'm proud of and talk about it publicly, internally or at a meetup.",
    "Rebuild my confidence after a difficult project and enjoy my work again.",
    "Block two hours a week for {craft} and actually stick to it.",
]

# Six-month goals that only fit people who do not manage anyone yet, and ones for those who already do.
GOALS_6M_BEFORE_MANAGING = [
    "Prepare for my first line-management role: hiring, one-to-ones and performance conversations.",
    "Work out whether management or the specialist track suits me better, and test it on a small project.",
    "Lead a piece of work where I coordinate other people for the first time.",
]
GOALS_6M_MANAGING = [
    "Delegate more, so my team grows and I stop being the bottleneck.",
    "Handle a performance problem in my team fairly and without putting it off.",
    "Run better one-to-ones: less status update, more coaching.",
    "Hire two people for my team and make the process fairer than the one I went through.",
    "Get my team through this year's reorganisation with everyone still on board.",
]

GOALS_LONG = [
    "Step up to {next_role} within the next two years.",
    "Move from {department} into {other_department} and make my background there an advantage.",
    "Become the go-to person for {skill} in the company.",
    "Lead a programme that spans several teams, with real budget responsibility.",
    "Work abroad for a year or two, ideally in one of our other offices.",
    "Build deep expertise in {craft} and speak about it at an industry conference.",
    "Grow into a strategic role where I shape what we do, not only how we do it.",
    "Build a team known for developing its people.",
    "Reach director level while keeping a sustainable pace and time for my family.",
    "Start my own business one day; until then, learn everything I can about {skill} and {skill2}.",
    "Find a role that combines {department} with {other_department}.",
    "Be ready for a senior role in {department}, with a track record of delivering hard projects.",
    "Mentor others myself and pass on what I get from this programme.",
    "Lead our expansion into a new market or region.",
    "Build a career around my strengths in {skill} that feels sustainable for the long run.",
    "Join the leadership team of my department.",
    "Build a reputation outside the company through writing, talks and community work.",
    "Move into a role with more customer contact and less internal process.",
    "Finish a part-time master's degree while still progressing at work.",
    "Run an area of my own, with its own budget and targets.",
    "Help shape how the company approaches {skill}.",
    "Be the person leadership trusts to turn a struggling project around.",
    "Take on an international role and learn to lead across cultures and time zones.",
    "Be trusted with the hardest problems in {department}.",
    "Work closely with the executive team and understand how the business is really run.",
    "Become someone others seek out for advice on {skill}.",
    "Spend a few years in {other_department} to round out my experience.",
]

# Long-term goals that only fit people who do not manage anyone yet, and ones for those who already do.
GOALS_LONG_BEFORE_MANAGING = [
    "Lead a team of my own and be the kind of manager I wanted when I started.",
    "Move into leadership without losing touch with hands-on work.",
    "Stay on the specialist track and be recognised at principal level without becoming a manager.",
]
GOALS_LONG_MANAGING = [
    "Be two steps further on, leading managers rather than individual contributors.",
    "Grow my team into a department and hand the day-to-day to leads I have developed.",
    "Move from managing a team to running a function, with a seat at the leadership table.",
]

GOALS_ACHIEVED = [
    "Moved from {previous_department} into {department} mid-career and made the switch stick.",
    "Went from {previous_role} to {role} in {years} years.",
    "Led a team through a reorganisation without losing anyone we wanted to keep.",
    "Built the {department} team from {team_from} to {team_to} people, hiring most of them myself.",
    "Was promoted twice in four years and learned a lot about {skill} on the way.",
    "Took over a struggling team and turned it into one of the most stable in the department.",
    "Came back from a year of parental leave and was promoted within eighteen months.",
    "Set up the onboarding and buddy scheme for new joiners in {department}.",
    "Moved countries for work twice and learned to lead teams spread across time zones.",
    "Became known for {craft} and now teach it in our internal academy.",
    "Recovered from a failed launch and turned the lessons into the playbook we still use.",
    "Went from dreading public speaking to giving talks at industry conferences.",
    "Switched from a specialist path to management and back again, so I can help you weigh up either.",
    "Kept a team productive and happy through a long stretch of fully remote work.",
    "Ran hiring for a new office from scratch.",
    "Got comfortable with {skill} after years of avoiding it, so I know how it feels to start.",
    "Built a good working relationship with a very demanding group of stakeholders.",
    "Balanced a senior role with caring responsibilities and part-time study.",
    "Mentored more than a dozen people, several of whom now lead teams themselves.",
    "Built a team that spans {department} and {other_department}, and made it work day to day.",
    "Moved from a technical role into leadership without anyone to show me how.",
    "Rebuilt my career after a redundancy and came back at a more senior level.",
    "Turned a project everyone expected to fail into one of our most successful launches.",
    "Learned to say no to good ideas so the team could finish great ones.",
    "Moved from a small startup into a large company and found my feet quickly.",
    "Handed a project I had built over to someone else and watched it thrive.",
    "Asked for, and got, a promotion I had been told I wasn't ready for.",
]

# Stories only senior managers and above tell.
GOALS_ACHIEVED_SENIOR = [
    "Led a company-wide change programme and learned how to bring sceptical people along.",
    "Managed managers for the first time and learned to lead through other people.",
    "Merged two teams with very different cultures after an acquisition.",
    "Presented to the board and won funding for a new area.",
    "Coached several people into their first management roles.",
    "Set the strategy for {department} and took it to the leadership team.",
]

# A closing sentence some mentors add about what they offer.
MENTOR_OFFERS = [
    "Happy to help with {skill}, and with {skill2}.",
    "I enjoy talking through {skill}, especially with people early in their careers.",
    "Glad to be a sounding board on {skill} or anything career-related.",
    "I can help most with {skill} and with working out what you actually want next.",
    "Ask me about {skill}; I've made most of the mistakes already.",
    "I'd like to help someone with {skill} the way my own mentor helped me.",
]

# A sentence of context some mentees add to their goals.
MENTEE_CONTEXT = [
    "I moved into my current role a few months ago.",
    "My team has doubled in size this year.",
    "I'm the only person with my role in my office.",
    "I've been in the same role for three years and feel ready for more.",
    "I recently came back from parental leave.",
    "Our department was reorganised this spring.",
    "I joined the company last year from a much smaller startup.",
    "My manager is supportive but very busy.",
]

# Department-specific achievements that make the stories of managers and above concrete.
DEPARTMENT_ACHIEVEMENTS = {
    "Engineering": ["Led the migration of our core platform to the cloud with no customer-facing downtime.",
                    "Went from writing code all day to leading several engineering teams."],
    "Product": ["Launched a product line that now brings in a fifth of our revenue.",
                "Killed a pet project the business loved, and explained why well enough that people agreed."],
    "Design": ["Built our design system and got every product team to use it.",
               "Introduced regular user research to a company that had never done it."],
    "Data & Analytics": ["Built our first data platform and the team that runs it.",
                         "Put a forecasting model into production that finance now plans with."],
    "Sales": ["Negotiated our largest contract to date and kept the relationship healthy afterwards.",
              "Opened a new region and grew it to our second-largest market."],
    "Marketing": ["Rebranded the company and brought the whole organisation along with it.",
                  "Built our demand generation engine from nothing."],
    "Customer Success": ["Cut customer churn by a third in two years.",
                         "Set up our customer advisory board and ran it for three years."],
    "Finance": ["Led the finance side of two acquisitions.",
                "Moved the company from annual budgets to rolling forecasts."],
    "People & HR": ["Designed the career framework the whole company now uses.",
                    "Led HR through a difficult restructuring with care for the people leaving."],
    "Operations": ["Redesigned our supply chain after a major supplier failed.",
                   "Cut operating costs by fifteen percent without a single redundancy."],
    "Legal": ["Took the company through its first regulatory audit.",
              "Built the contract process that let sales close deals twice as fast."],
    "IT & Security": ["Led our response to a serious security incident and the clean-up afterwards.",
                      "Got the company through its first ISO 27001 certification."],
}

LOCATION_WEIGHTS = {"Virtual": 50, "Either": 35, "In person": 15}
CAPACITY_WEIGHTS = {"1": 25, "2": 50, "3": 25}
