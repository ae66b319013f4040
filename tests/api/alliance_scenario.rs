//! The life of an alliance, told through the API as its people use it: a headteacher
//! starts an alliance, registers and invites schools, forms a partnership, brings in a
//! teacher, and a school leaves while the alliance keeps its history.

use crate::common::{PASSWORD, gid, spawn_app};
use crate::world::{
    headteacher, invitation_token, key_of, mutate, mutate_ok, mutation_doc, user_error_codes,
};
use serde_json::{Value, json};

const MEMBERSHIP: &str = "membership { id status joinedAt endedAt school { name } }";

/// Reads an alliance as `token`: its memberships (history included) and partnerships.
async fn alliance(app: &crate::common::TestApp, token: &str, id: &Value) -> Value {
    let data = app
        .ok(
            Some(token),
            "query($id: ID!) { node(id: $id) { ... on Alliance { name version viewerCanAdminister
                memberships { totalCount nodes { id status endedAt school { name } } }
                partnerships { nodes { id name status leadSchool { name }
                    current: schools { nodes { school { name } leftOn } }
                    everyone: schools(includeLeft: true) { nodes { school { name } joinedOn leftOn } } } } } } }",
            json!({ "id": id }),
        )
        .await;
    data["node"].clone()
}

fn names(nodes: &Value, path: &[&str]) -> Vec<String> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            path.iter()
                .fold(node, |value, key| &value[*key])
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// A headteacher starts an alliance and becomes its CPD lead; the alliance grows by
/// invitation, forms a partnership, brings in a teacher; a school leaves and the history
/// stays; stale and repeated changes are refused without changing anything.
#[tokio::test]
async fn an_alliance_from_first_invitation_to_a_school_leaving() {
    let app = spawn_app().await;

    // Hannah leads Oakfield Primary.
    let oakfield = app.school("Oakfield Primary").await;
    let (_, hannah) = headteacher(&app, "hannah@oakfield.example", oakfield).await;

    // She starts an alliance, and so becomes its CPD lead.
    let created = mutate_ok(
        &app,
        &hannah,
        "createAlliance",
        "alliance { id name kind vision version }",
        json!({ "name": "North Star Alliance", "kind": "TEACHING_SCHOOL_ALLIANCE",
                "vision": "Every teacher learning with another school" }),
    )
    .await;
    let north_star = created["alliance"]["id"].clone();
    assert_eq!(created["alliance"]["name"], "North Star Alliance");
    assert_eq!(created["alliance"]["version"], 1);
    let viewer = app
        .ok(
            Some(&hannah),
            "{ viewer { allianceRoles { role alliance { id viewerCanAdminister } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        viewer["viewer"]["allianceRoles"],
        json!([{ "role": "CPD_LEAD", "alliance": { "id": north_star, "viewerCanAdminister": true } }])
    );

    // As CPD lead she registers Riverside Academy, which was not on the platform yet.
    let registered = mutate_ok(
        &app,
        &hannah,
        "createSchool",
        "school { id name urn phase postcode }",
        json!({ "urn": "123456", "name": "Riverside Academy", "phase": "SECONDARY", "postcode": "ls1 4ap" }),
    )
    .await;
    let riverside_id = registered["school"]["id"].clone();
    assert_eq!(registered["school"]["postcode"], "LS1 4AP");
    let riverside = key_of(&riverside_id);

    // Registering another school under the same URN is refused, and adds nothing.
    let duplicate = mutate(
        &app,
        &hannah,
        "createSchool",
        "school { id }",
        json!({ "urn": "123456", "name": "Riverside Academy (again)", "phase": "SECONDARY" }),
    )
    .await;
    assert_eq!(duplicate["school"], Value::Null);
    assert_eq!(user_error_codes(&duplicate), ["TAKEN"]);
    assert_eq!(duplicate["userErrors"][0]["field"], json!(["input", "urn"]));
    let same_urn = app
        .ok(
            Some(&hannah),
            r#"{ schools(filter: {search: "123456"}) { totalCount nodes { name } } schoolByUrn(urn: "123456") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(same_urn["schools"]["totalCount"], 1);
    assert_eq!(same_urn["schoolByUrn"]["name"], "Riverside Academy");

    // Three schools are invited; each school's leaders hear of it by email.
    let willow = app.school("Willow Park School").await;
    let brook = app.school("Brook Lane Primary").await;
    let (_, rita) = headteacher(&app, "rita@riverside.example", riverside).await;
    let (_, will) = headteacher(&app, "will@willow.example", willow).await;
    let (_, bea) = headteacher(&app, "bea@brook.example", brook).await;
    let mut invited = Vec::new();
    for school in [riverside, willow, brook] {
        let payload = mutate_ok(
            &app,
            &hannah,
            "inviteSchoolToAlliance",
            MEMBERSHIP,
            json!({ "allianceId": north_star, "schoolId": gid("School", school) }),
        )
        .await;
        assert_eq!(payload["membership"]["status"], "INVITED");
        assert_eq!(payload["membership"]["joinedAt"], Value::Null);
        invited.push(payload["membership"]["id"].clone());
    }
    let [riverside_m, willow_m, brook_m] = <[Value; 3]>::try_from(invited).unwrap();
    let sent = app.mail().await;
    for leader in [
        "rita@riverside.example",
        "will@willow.example",
        "bea@brook.example",
    ] {
        let email = sent
            .iter()
            .find(|email| email.to == leader)
            .expect("the school's leader is told");
        assert!(
            email.subject.contains("North Star Alliance"),
            "{}",
            email.subject
        );
    }

    // Riverside and Willow accept; Brook Lane declines.
    for (token, membership) in [(&rita, &riverside_m), (&will, &willow_m)] {
        let accepted = mutate_ok(
            &app,
            token,
            "acceptAllianceInvitation",
            MEMBERSHIP,
            json!({ "membershipId": membership }),
        )
        .await;
        assert_eq!(accepted["membership"]["status"], "ACTIVE");
        assert!(accepted["membership"]["joinedAt"].is_string());
    }
    let declined = mutate_ok(
        &app,
        &bea,
        "declineAllianceInvitation",
        MEMBERSHIP,
        json!({ "membershipId": brook_m }),
    )
    .await;
    assert_eq!(declined["membership"]["status"], "DECLINED");
    assert!(declined["membership"]["endedAt"].is_string());

    // A partnership of the two active schools is formed; one with Brook Lane is not.
    let refused = mutate(
        &app,
        &hannah,
        "createPartnership",
        "partnership { id }",
        json!({ "allianceId": north_star, "name": "Transition", "leadSchoolId": gid("School", riverside),
                "schoolIds": [gid("School", riverside), gid("School", brook)] }),
    )
    .await;
    assert_eq!(refused["partnership"], Value::Null);
    assert_eq!(user_error_codes(&refused), ["INVALID_STATE"]);
    let formed = mutate_ok(
        &app,
        &hannah,
        "createPartnership",
        "partnership { id name status leadSchool { name } schools { totalCount } }",
        json!({ "allianceId": north_star, "name": "KS2-KS3 transition", "purpose": "Continuity in maths",
                "leadSchoolId": gid("School", riverside),
                "schoolIds": [gid("School", riverside), gid("School", willow)] }),
    )
    .await;
    assert_eq!(formed["partnership"]["status"], "ACTIVE");
    assert_eq!(
        formed["partnership"]["leadSchool"]["name"],
        "Riverside Academy"
    );
    assert_eq!(formed["partnership"]["schools"]["totalCount"], 2);
    let seen = alliance(&app, &hannah, &north_star).await;
    assert_eq!(
        seen["partnerships"]["nodes"].as_array().unwrap().len(),
        1,
        "only the valid partnership exists"
    );

    // The CPD lead invites a teacher into Riverside; the token comes by email.
    let invitation = mutate_ok(
        &app,
        &hannah,
        "inviteStaffMember",
        "invitation { email staffRole }",
        json!({ "schoolId": gid("School", riverside), "email": "Tom@Riverside.example", "givenName": "Tom",
                "familyName": "Teacher", "role": "TEACHER", "subjects": ["Mathematics"] }),
    )
    .await;
    assert_eq!(
        invitation["invitation"],
        json!({ "email": "tom@riverside.example", "staffRole": "TEACHER" })
    );
    let token = invitation_token(&app, "tom@riverside.example").await;
    let accepted = app
        .ok(
            None,
            &mutation_doc(
                "acceptInvitation",
                "session { accessToken person { displayName } }",
            ),
            json!({ "input": { "token": token, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(accepted["acceptInvitation"]["userErrors"], json!([]));
    assert_eq!(
        accepted["acceptInvitation"]["session"]["person"]["displayName"],
        "Tom Teacher"
    );

    // Tom signs in, and sees the alliance and his colleagues across it.
    let tom = app.sign_in("tom@riverside.example").await;
    let tom_sees = app
        .ok(
            Some(&tom),
            "{ viewer { staffRoles { role subjects school { name } } }
               alliances { totalCount nodes { name viewerCanAdminister } }
               people { totalCount nodes { displayName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tom_sees["viewer"]["staffRoles"],
        json!([{ "role": "TEACHER", "subjects": ["Mathematics"], "school": { "name": "Riverside Academy" } }])
    );
    assert_eq!(tom_sees["alliances"]["totalCount"], 1);
    assert_eq!(
        tom_sees["alliances"]["nodes"],
        json!([{ "name": "North Star Alliance", "viewerCanAdminister": false }])
    );
    let mut colleagues = names(&tom_sees["people"]["nodes"], &["displayName"]);
    colleagues.sort();
    assert_eq!(
        colleagues,
        [
            "Tom Teacher",
            "hannah oakfield.example",
            "rita riverside.example",
            "will willow.example"
        ],
        "his school, the active member schools and the CPD lead; not Brook Lane, which declined"
    );
    assert_eq!(tom_sees["people"]["totalCount"], 4);

    // Willow leaves: its membership ends, it leaves the partnership, the history stays.
    let left = mutate_ok(
        &app,
        &will,
        "endAllianceMembership",
        MEMBERSHIP,
        json!({ "membershipId": willow_m }),
    )
    .await;
    assert_eq!(left["membership"]["status"], "LEFT");
    assert!(left["membership"]["endedAt"].is_string());
    assert!(
        left["membership"]["joinedAt"].is_string(),
        "when it joined is kept"
    );
    let after = alliance(&app, &hannah, &north_star).await;
    assert_eq!(after["memberships"]["totalCount"], 3);
    let statuses: Vec<(String, String)> = after["memberships"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["school"]["name"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("Riverside Academy".to_owned(), "ACTIVE".to_owned()),
            ("Willow Park School".to_owned(), "LEFT".to_owned()),
            ("Brook Lane Primary".to_owned(), "DECLINED".to_owned()),
        ]
    );
    let partnership = &after["partnerships"]["nodes"][0];
    assert_eq!(partnership["status"], "ACTIVE");
    assert_eq!(
        names(&partnership["current"]["nodes"], &["school", "name"]),
        ["Riverside Academy"]
    );
    assert_eq!(
        names(&partnership["everyone"]["nodes"], &["school", "name"]),
        ["Riverside Academy", "Willow Park School"]
    );
    assert_eq!(partnership["everyone"]["nodes"][0]["leftOn"], Value::Null);
    assert!(
        partnership["everyone"]["nodes"][1]["leftOn"].is_string(),
        "{partnership:#}"
    );

    // Ending it again is refused and changes nothing. Willow's head no longer sees the
    // alliance at all; its CPD lead is told the membership is already over.
    let will_sees = app
        .ok(Some(&will), "{ alliances { totalCount } }", json!({}))
        .await;
    assert_eq!(will_sees["alliances"]["totalCount"], 0);
    let again = mutate(
        &app,
        &will,
        "endAllianceMembership",
        MEMBERSHIP,
        json!({ "membershipId": willow_m }),
    )
    .await;
    assert_eq!(user_error_codes(&again), ["NOT_FOUND"]);
    let again = mutate(
        &app,
        &hannah,
        "endAllianceMembership",
        MEMBERSHIP,
        json!({ "membershipId": willow_m }),
    )
    .await;
    assert_eq!(again["membership"], Value::Null);
    assert_eq!(user_error_codes(&again), ["INVALID_STATE"]);
    assert_eq!(alliance(&app, &hannah, &north_star).await, after);

    // An update made from a stale version is refused with CONFLICT and changes nothing.
    let renamed = mutate_ok(
        &app,
        &hannah,
        "updateAlliance",
        "alliance { name version }",
        json!({ "allianceId": north_star, "expectedVersion": 1, "name": "North Star Teaching Alliance" }),
    )
    .await;
    assert_eq!(
        renamed["alliance"],
        json!({ "name": "North Star Teaching Alliance", "version": 2 })
    );
    let stale = mutate(
        &app,
        &hannah,
        "updateAlliance",
        "alliance { name }",
        json!({ "allianceId": north_star, "expectedVersion": 1, "name": "Southern Cross" }),
    )
    .await;
    assert_eq!(stale["alliance"], Value::Null);
    assert_eq!(user_error_codes(&stale), ["CONFLICT"]);
    assert_eq!(
        stale["userErrors"][0]["field"],
        json!(["input", "expectedVersion"])
    );
    let now = alliance(&app, &hannah, &north_star).await;
    assert_eq!(now["name"], "North Star Teaching Alliance");
    assert_eq!(now["version"], 2);

    // Willow's people have left Tom's network with their school.
    let tom_now = app
        .ok(Some(&tom), "{ people { totalCount } }", json!({}))
        .await;
    assert_eq!(tom_now["people"]["totalCount"], 3);
}

/// The alliance in `createAlliance`'s payload tells its creator that they administer it.
#[tokio::test]
async fn the_creator_of_an_alliance_is_told_they_administer_it() {
    let app = spawn_app().await;
    let oakfield = app.school("Oakfield Primary").await;
    let (_, hannah) = headteacher(&app, "hannah@oakfield.example", oakfield).await;
    let created = mutate_ok(
        &app,
        &hannah,
        "createAlliance",
        "alliance { viewerCanAdminister }",
        json!({ "name": "North Star Alliance", "kind": "LOCAL_CLUSTER" }),
    )
    .await;
    assert_eq!(created["alliance"]["viewerCanAdminister"], true);
}
