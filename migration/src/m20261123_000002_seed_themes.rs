//! The shared themes taxonomy of DOMAIN.md: the personalised-learning framework, and the
//! optional wellbeing outcomes. Alliances add their own themes at run time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Theme {
    Table,
    Framework,
    Name,
    CreatedAt,
}

const PERSONALISED_LEARNING: &[&str] = &[
    "Learning how to learn",
    "Assessment for learning",
    "Teaching and learning strategies",
    "Curriculum choice",
    "Mentoring and coaching",
    "Minimising within-school variation",
    "Student voice and choice",
    "Technology for learning",
    "School systems and structures",
    "Culture and values",
    "Learning-centred leadership",
    "Distributed leadership",
    "Networks and partnerships",
    "Leading change",
];

const WELLBEING: &[&str] = &[
    "Being healthy",
    "Staying safe",
    "Enjoying and achieving",
    "Making a positive contribution",
    "Achieving economic wellbeing",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut insert = Query::insert()
            .into_table(Theme::Table)
            .columns([Theme::Framework, Theme::Name, Theme::CreatedAt])
            .to_owned();
        let frameworks = [
            ("PERSONALISED_LEARNING", PERSONALISED_LEARNING),
            ("WELLBEING", WELLBEING),
        ];
        for (framework, names) in frameworks {
            for name in names {
                insert.values_panic([framework.into(), (*name).into(), Expr::current_timestamp()]);
            }
        }
        manager.exec_stmt(insert).await
    }
}
