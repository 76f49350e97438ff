//! IAM API keys for private functions: an application, a policy granting it
//! `FunctionsPrivateAccess` on a project, and an API key of it, made and removed as one.

use crate::client::{read, Client, Method, Request, Transport};
use crate::error::{Error, Kind, Subject};
use crate::functions::{get, ALL_PAGE_SIZE_TEXT};
use crate::validate;
use crate::wire::{Body, CreateApiKey, CreateApplication, CreatePolicy, Json, Rule};

/// The permission set that lets an IAM application call a project's private functions.
const FUNCTION_ACCESS: &str = "FunctionsPrivateAccess";
/// How [`Client::create_function_access_key`] names its applications: this, then the project id.
const APPLICATION_PREFIX: &str = "functions-";

/// A key made by [`Client::create_function_access_key`]: CreateAPIKey's answer (the only one
/// that shows the secret) and the id of the policy made for it.
#[derive(Debug)]
pub struct AccessKey<J> {
    pub key: J,
    pub policy_id: String,
}

/// A key made by [`Client::rotate_function_access_key`], and why the old key could not be
/// deleted when that was asked and failed: the new key's secret is never lost to that failure.
#[derive(Debug)]
pub struct Rotated<J> {
    pub made: AccessKey<J>,
    pub old_key_error: Option<Error>,
}

impl<T: Transport> Client<'_, T> {
    /// Makes an IAM application, a policy granting it [`FUNCTION_ACCESS`] on `project_id`, and
    /// an API key of it: the key's secret calls the project's private functions. When a step
    /// fails, what the earlier steps made is deleted again before the error is returned.
    pub async fn create_function_access_key(
        &self,
        project_id: &str,
        organization_id: Option<&str>,
        description: Option<&str>,
        expires_at: Option<&str>,
    ) -> Result<AccessKey<T::Json>, Error> {
        let project = validate::plain_uuid(project_id, "projectId")?;
        let organization = match organization_id {
            Some(o) => String::from(validate::plain_uuid(o, "organizationId")?),
            None => self.organization_of(project).await?,
        };
        let name = [APPLICATION_PREFIX, project].concat();
        let application = Body::Application(CreateApplication {
            name: &name,
            organization_id: &organization,
            description,
        });
        let made = self.post("applications", &application).await?;
        let application_id = read(&made, |j| j.str("id"))?;
        let policy = Body::Policy(CreatePolicy {
            name: &name,
            organization_id: &organization,
            application_id: &application_id,
            description,
            rules: [Rule {
                permission_set_names: [FUNCTION_ACCESS],
                project_ids: [project],
            }],
        });
        let policy_id = match self.post("policies", &policy).await {
            Ok(j) => read(&j, |j| j.str("id")),
            Err(e) => Err(e),
        };
        let policy_id = match policy_id {
            Ok(id) => id,
            Err(e) => return Err(self.undo(&[("applications", &application_id)], e).await),
        };
        match self
            .new_key(&application_id, project, description, expires_at)
            .await
        {
            Ok(key) => Ok(AccessKey { key, policy_id }),
            Err(e) => {
                let made = [("policies", &policy_id), ("applications", &application_id)];
                Err(self.undo(&made, e).await)
            }
        }
    }

    /// CreateAPIKey for an application; the answer must show the secret.
    async fn new_key(
        &self,
        application_id: &str,
        project: &str,
        description: Option<&str>,
        expires_at: Option<&str>,
    ) -> Result<T::Json, Error> {
        let key = Body::ApiKey(CreateApiKey {
            application_id,
            description,
            expires_at,
            default_project_id: project,
        });
        let shown = |j: &T::Json| {
            (j.str("access_key").is_some() && j.str("secret_key").is_some_and(|s| !s.is_empty()))
                .then(|| j.clone())
        };
        read(&self.post("api-keys", &key).await?, shown)
    }

    /// The keys of every application made by [`Client::create_function_access_key`] in the
    /// organization (of `project_id`'s namespaces unless given), or for one project only.
    /// Expired keys are listed too: IAM keeps them until they are deleted.
    pub async fn list_function_access_keys(
        &self,
        project_id: Option<&str>,
        organization_id: Option<&str>,
    ) -> Result<Vec<T::Json>, Error> {
        let project = project_id
            .map(|p| validate::plain_uuid(p, "projectId"))
            .transpose()?;
        let organization = match (organization_id, project) {
            (Some(o), _) => String::from(validate::plain_uuid(o, "organizationId")?),
            (None, Some(p)) => self.organization_of(p).await?,
            (None, None) => {
                return Err(Error::invalid("projectId", "or organizationId is required"))
            }
        };
        let name = [APPLICATION_PREFIX, project.unwrap_or_default()].concat();
        let applications = self
            .every_page("applications", &|page| {
                Ok(self
                    .iam_url("applications")
                    .query("organization_id", Some(&organization))
                    .query("name", Some(&name))
                    .query("page", Some(&page.to_string()))
                    .query("page_size", Some(ALL_PAGE_SIZE_TEXT)))
            })
            .await?;
        let mut keys = Vec::new();
        for application in &applications {
            if made_here(application, project) {
                let id = read(application, |j| j.str("id"))?;
                keys.extend(self.keys_of(&id).await?);
            }
        }
        Ok(keys)
    }

    /// Every API key of an application.
    async fn keys_of(&self, application_id: &str) -> Result<Vec<T::Json>, Error> {
        self.every_page("api_keys", &|page| {
            Ok(self
                .iam_url("api-keys")
                .query("application_id", Some(application_id))
                .query("page", Some(&page.to_string()))
                .query("page_size", Some(ALL_PAGE_SIZE_TEXT)))
        })
        .await
    }

    /// Makes a new key for the application of `access_key`, with the same project and
    /// description; the old key is deleted only when `delete_old` is set, once the new one exists.
    pub async fn rotate_function_access_key(
        &self,
        access_key: &str,
        expires_at: Option<&str>,
        delete_old: bool,
    ) -> Result<Rotated<T::Json>, Error> {
        let old = self.key(access_key).await?;
        let application_id = read(&old, |j| j.str("application_id"))?;
        let project = read(&old, |j| j.str("default_project_id"))?;
        let description = old.str("description").filter(|d| !d.is_empty());
        let application = self.application(&application_id).await?;
        let policy_id = (self.policies_of(&application).await?.into_iter().next())
            .ok_or_else(crate::error::unexpected)?;
        let key = self
            .new_key(
                &application_id,
                &project,
                description.as_deref(),
                expires_at,
            )
            .await?;
        let old_key_error = if delete_old {
            self.remove("api-keys", access_key).await.err()
        } else {
            None
        };
        Ok(Rotated {
            made: AccessKey { key, policy_id },
            old_key_error,
        })
    }

    /// GetAPIKey of a checked access key.
    async fn key(&self, access_key: &str) -> Result<T::Json, Error> {
        let access_key = validate::access_key(access_key, "accessKey")?;
        let url = self.iam_url("api-keys").segment(access_key)?.build();
        let subject = Subject {
            resource: "access_key",
            id: access_key,
        };
        self.call(get(&url), Some(subject)).await
    }

    /// GetApplication.
    async fn application(&self, application_id: &str) -> Result<T::Json, Error> {
        let url = self
            .iam_url("applications")
            .segment(application_id)?
            .build();
        self.call(get(&url), None).await
    }

    /// The ids of an application's policies (ListPolicies is filtered within its organization).
    async fn policies_of(&self, application: &T::Json) -> Result<Vec<String>, Error> {
        let application_id = &read(application, |j| j.str("id"))?;
        let organization = read(application, |j| j.str("organization_id"))?;
        let policies = self
            .every_page("policies", &|page| {
                Ok(self
                    .iam_url("policies")
                    .query("application_ids", Some(application_id))
                    .query("organization_id", Some(&organization))
                    .query("page", Some(&page.to_string()))
                    .query("page_size", Some(ALL_PAGE_SIZE_TEXT)))
            })
            .await?;
        policies.iter().map(|p| read(p, |j| j.str("id"))).collect()
    }

    /// POST of a new IAM object.
    async fn post(&self, collection: &'static str, body: &Body<'_>) -> Result<T::Json, Error> {
        let url = self.iam_url(collection).build();
        let request = Request {
            method: Method::Post,
            url: &url,
            body: Some(body),
        };
        self.call(request, None).await
    }

    /// The organization of a project, read from one of its namespaces in the client's region.
    async fn organization_of(&self, project: &str) -> Result<String, Error> {
        let url = self
            .functions_url(self.region(), "namespaces")
            .query("project_id", Some(project))
            .query("page_size", Some("1"))
            .build();
        let j = self.call(get(&url), None).await?;
        (j.list("namespaces").first())
            .and_then(|n| n.str("organization_id"))
            .filter(|o| validate::is_uuid(o))
            .ok_or(Error::invalid(
                "organizationId",
                "is required when the project has no namespace in the client's region",
            ))
    }

    /// Deletes what a failed [`Client::create_function_access_key`] made, newest first, and
    /// hands back the error that stopped it. A failed deletion cannot be helped here.
    async fn undo(&self, made: &[(&'static str, &String)], error: Error) -> Error {
        for (collection, id) in made {
            let _ = self.remove(collection, id).await;
        }
        error
    }

    /// DELETE of an IAM object (answered by 204 without a body); one already gone counts as deleted.
    async fn remove(&self, collection: &'static str, id: &str) -> Result<(), Error> {
        let url = self.iam_url(collection).segment(id)?.build();
        let request = Request {
            method: Method::Delete,
            url: &url,
            body: None,
        };
        match self.exchange(request, None).await {
            // Already gone: deleted by a concurrent call, or by this one's attempt whose answer
            // was lost before a retry.
            Err(Error::Api(e)) if e.kind == Kind::NotFound => Ok(()),
            result => result.map(drop),
        }
    }

    /// Deletes an API key made by [`Client::create_function_access_key`], then, when it was the
    /// last key of its application (a rotation leaves several), the application's policies and
    /// the application. The key goes first: access ends before anything else. A key of another
    /// application is refused before anything is deleted.
    pub async fn delete_function_access_key(&self, access_key: &str) -> Result<(), Error> {
        let key = self.key(access_key).await?;
        let application_id = read(&key, |j| j.str("application_id"))?;
        let application = self.application(&application_id).await?;
        if !made_here(&application, None) {
            return Err(Error::invalid(
                "accessKey",
                "is not a key made by createFunctionAccessKey",
            ));
        }
        self.remove("api-keys", access_key).await?;
        let others = self.keys_of(&application_id).await?;
        if others
            .iter()
            .any(|k| k.str("access_key").is_some_and(|a| a != access_key))
        {
            return Ok(());
        }
        for policy in self.policies_of(&application).await? {
            self.remove("policies", &policy).await?;
        }
        self.remove("applications", &application_id).await
    }
}

/// True for an application made by [`Client::create_function_access_key`] (for `project`, if given).
fn made_here<J: Json>(application: &J, project: Option<&str>) -> bool {
    application.str("name").is_some_and(|n| {
        n.strip_prefix(APPLICATION_PREFIX)
            .is_some_and(|p| validate::is_uuid(p) && project.is_none_or(|q| p == q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{bodies, client, sent, Script, ID, KEY};
    use pollster::block_on;
    use serde_json::json;

    const ORG: &str = "33333333-3333-3333-3333-333333333333";
    const APP: &str = "44444444-4444-4444-4444-444444444444";
    const POLICY: &str = "55555555-5555-5555-5555-555555555555";
    const ACCESS: &str = "SCW0123456789ABCDEFG";

    fn id(id: &str) -> String {
        json!({ "id": id }).to_string()
    }

    #[test]
    fn a_function_access_key_is_an_application_a_policy_and_a_key() {
        let namespaces = json!({ "namespaces": [{ "id": "n", "organization_id": ORG }] });
        let key = json!({ "access_key": ACCESS, "secret_key": KEY, "application_id": APP, "expires_at": null });
        let c = client(
            Script::default()
                .answer(200, &namespaces.to_string())
                .answer(200, &id(APP))
                .answer(200, &id(POLICY))
                .answer(200, &key.to_string()),
        );
        let made = block_on(c.create_function_access_key(ID, None, Some("ci"), None)).unwrap();
        assert_eq!((made.key, made.policy_id.as_str()), (key, POLICY));
        let bodies = bodies(&c);
        assert_eq!(
            bodies[0],
            json!({ "name": format!("functions-{ID}"), "organization_id": ORG, "description": "ci" })
        );
        assert_eq!(
            bodies[1]["rules"],
            json!([{ "permission_set_names": ["FunctionsPrivateAccess"], "project_ids": [ID] }])
        );
        assert_eq!(
            bodies[2],
            json!({ "application_id": APP, "description": "ci", "default_project_id": ID })
        );
        assert_eq!(
            sent(&c)[0],
            format!("GET /functions/v1beta1/regions/fr-par/namespaces?project_id={ID}&page_size=1")
        );
    }

    #[test]
    fn a_failed_step_deletes_what_the_earlier_steps_made() {
        let c = client(
            Script::default()
                .answer(200, &id(APP))
                .answer(200, &id(POLICY))
                .answer(403, r#"{"type":"quotas_exceeded","details":[]}"#)
                .answer(204, "")
                .answer(204, ""),
        );
        let err = block_on(c.create_function_access_key(ID, Some(ORG), None, None)).unwrap_err();
        let Error::Api(e) = err else { panic!() };
        assert_eq!(e.type_name, "quotas_exceeded");
        assert_eq!(
            sent(&c)[3..],
            [
                format!("DELETE /iam/v1alpha1/policies/{POLICY}"),
                format!("DELETE /iam/v1alpha1/applications/{APP}")
            ]
        );
    }

    #[test]
    fn a_key_answer_without_its_secret_is_rolled_back_too() {
        let c = client(
            Script::default()
                .answer(200, &id(APP))
                .answer(200, &id(POLICY))
                .answer(
                    200,
                    &json!({ "access_key": ACCESS, "secret_key": "" }).to_string(),
                )
                .answer(204, "")
                .answer(204, ""),
        );
        assert!(block_on(c.create_function_access_key(ID, Some(ORG), None, None)).is_err());
        assert_eq!(sent(&c).len(), 5);
    }

    #[test]
    fn a_project_without_namespace_needs_an_organization_id() {
        let c = client(Script::default().answer(200, r#"{"namespaces":[],"total_count":0}"#));
        let err = block_on(c.create_function_access_key(ID, None, None, None)).unwrap_err();
        assert!(matches!(
            err,
            Error::Validation { field, .. } if field == "organizationId"
        ));
        assert!(matches!(
            block_on(c.create_function_access_key("fr-par/x", None, None, None)),
            Err(Error::Validation { field, .. }) if field == "projectId"
        ));
    }

    /// A key of `application`, and that application as GetApplication shows it.
    fn key_and_application(application: &str, organization: &str, name: &str) -> Script {
        Script::default()
            .answer(
                200,
                &json!({ "access_key": ACCESS, "application_id": application }).to_string(),
            )
            .answer(
                200,
                &json!({ "id": application, "organization_id": organization, "name": name })
                    .to_string(),
            )
    }

    fn deletion(application: &str, organization: &str, policy: &str) -> Script {
        key_and_application(application, organization, &format!("functions-{ID}"))
            .answer(204, "")
            .answer(200, r#"{"api_keys":[],"total_count":0}"#)
            .answer(
                200,
                &json!({ "policies": [{ "id": policy }], "total_count": 1 }).to_string(),
            )
            .answer(204, "")
            .answer(204, "")
    }

    #[test]
    fn deleting_a_function_access_key_removes_key_policies_and_application() {
        let c = client(deletion(APP, ORG, POLICY));
        block_on(c.delete_function_access_key(ACCESS)).unwrap();
        assert_eq!(
            sent(&c),
            [
                format!("GET /iam/v1alpha1/api-keys/{ACCESS}"),
                format!("GET /iam/v1alpha1/applications/{APP}"),
                format!("DELETE /iam/v1alpha1/api-keys/{ACCESS}"),
                format!("GET /iam/v1alpha1/api-keys?application_id={APP}&page=1&page_size=100"),
                format!("GET /iam/v1alpha1/policies?application_ids={APP}&organization_id={ORG}&page=1&page_size=100"),
                format!("DELETE /iam/v1alpha1/policies/{POLICY}"),
                format!("DELETE /iam/v1alpha1/applications/{APP}"),
            ]
        );
        assert!(matches!(
            block_on(c.delete_function_access_key("SCWshort")),
            Err(Error::Validation { field, .. }) if field == "accessKey"
        ));
    }

    #[test]
    fn deleting_one_of_several_keys_of_an_application_keeps_the_application() {
        let others = json!({ "api_keys": [{ "access_key": "SCWNEW456789ABCDEFGH", "application_id": APP }], "total_count": 1 });
        let c = client(
            key_and_application(APP, ORG, &format!("functions-{ID}"))
                .answer(204, "")
                .answer(200, &others.to_string()),
        );
        block_on(c.delete_function_access_key(ACCESS)).unwrap();
        assert_eq!(
            sent(&c)[2..],
            [
                format!("DELETE /iam/v1alpha1/api-keys/{ACCESS}"),
                format!("GET /iam/v1alpha1/api-keys?application_id={APP}&page=1&page_size=100"),
            ]
        );
    }

    #[test]
    fn what_another_call_deleted_first_counts_as_deleted() {
        let gone = |resource: &str| {
            json!({ "type": "not_found", "resource": resource, "resource_id": "x", "message": "resource is not found" }).to_string()
        };
        let c = client(
            key_and_application(APP, ORG, &format!("functions-{ID}"))
                .answer(404, &gone("access_key"))
                .answer(200, r#"{"api_keys":[],"total_count":0}"#)
                .answer(
                    200,
                    &json!({ "policies": [{ "id": POLICY }], "total_count": 1 }).to_string(),
                )
                .answer(404, &gone("policy"))
                .answer(404, &gone("application")),
        );
        block_on(c.delete_function_access_key(ACCESS)).unwrap();
        assert_eq!(sent(&c).len(), 7, "every step was still taken");
    }

    #[test]
    fn a_key_of_another_application_is_not_deleted() {
        let c = client(key_and_application(APP, ORG, "ci-deployer"));
        assert!(matches!(
            block_on(c.delete_function_access_key(ACCESS)),
            Err(Error::Validation { field, .. }) if field == "accessKey"
        ));
        assert_eq!(sent(&c).len(), 2, "nothing deleted");
    }

    #[test]
    fn ids_in_answers_never_lead_a_request_out_of_its_collection() {
        let climbing = format!("../../../functions/v1beta1/regions/fr-par/namespaces/{ID}");
        let c = client(deletion("a/b?c#d", "x&page_size=1", &climbing));
        block_on(c.delete_function_access_key(ACCESS)).unwrap();
        assert_eq!(sent(&c)[1], "GET /iam/v1alpha1/applications/a%2Fb%3Fc%23d");
        assert_eq!(
            sent(&c)[4..],
            [
                "GET /iam/v1alpha1/policies?application_ids=a%2Fb%3Fc%23d&organization_id=x%26page_size%3D1&page=1&page_size=100".to_string(),
                format!("DELETE /iam/v1alpha1/policies/..%2F..%2F..%2Ffunctions%2Fv1beta1%2Fregions%2Ffr-par%2Fnamespaces%2F{ID}"),
                "DELETE /iam/v1alpha1/applications/a%2Fb%3Fc%23d".to_string(),
            ]
        );

        let c = client(
            Script::default()
                .answer(200, &id("100%"))
                .answer(400, r#"{"type":"invalid_arguments"}"#)
                .answer(204, ""),
        );
        assert!(block_on(c.create_function_access_key(ID, Some(ORG), None, None)).is_err());
        assert_eq!(sent(&c)[2], "DELETE /iam/v1alpha1/applications/100%25");

        let c = client(deletion(APP, ORG, ".."));
        assert!(block_on(c.delete_function_access_key(ACCESS)).is_err());
        assert_eq!(sent(&c).len(), 5, "no DELETE of a dot segment");
    }

    #[test]
    fn listed_keys_are_those_of_the_applications_made_for_the_project() {
        let applications = json!({ "applications": [
            { "id": APP, "name": format!("functions-{ID}") },
            { "id": "66666666-6666-6666-6666-666666666666", "name": format!("functions-{ID}-copy") },
        ], "total_count": 2 });
        let keys = json!({ "api_keys": [{ "access_key": ACCESS, "application_id": APP, "expires_at": "2020-01-01T00:00:00Z" }], "total_count": 1 });
        let c = client(
            Script::default()
                .answer(200, &applications.to_string())
                .answer(200, &keys.to_string()),
        );
        let listed = block_on(c.list_function_access_keys(Some(ID), Some(ORG))).unwrap();
        assert_eq!(listed.len(), 1, "an expired key is listed too");
        assert_eq!(
            sent(&c),
            [
                format!("GET /iam/v1alpha1/applications?organization_id={ORG}&name=functions-{ID}&page=1&page_size=100"),
                format!("GET /iam/v1alpha1/api-keys?application_id={APP}&page=1&page_size=100"),
            ]
        );
        assert!(matches!(
            block_on(c.list_function_access_keys(None, None)),
            Err(Error::Validation { field, .. }) if field == "projectId"
        ));
    }

    fn rotation() -> Script {
        let old = json!({ "access_key": ACCESS, "application_id": APP, "default_project_id": ID, "description": "ci" });
        let new = json!({ "access_key": "SCWNEW456789ABCDEFGH", "secret_key": KEY, "application_id": APP });
        Script::default()
            .answer(200, &old.to_string())
            .answer(
                200,
                &json!({ "id": APP, "organization_id": ORG }).to_string(),
            )
            .answer(
                200,
                &json!({ "policies": [{ "id": POLICY }], "total_count": 1 }).to_string(),
            )
            .answer(200, &new.to_string())
    }

    #[test]
    fn rotating_makes_a_new_key_on_the_same_application_and_keeps_the_old_one() {
        let c = client(rotation());
        let rotated =
            block_on(c.rotate_function_access_key(ACCESS, Some("2027-01-31T12:00:00Z"), false))
                .unwrap();
        let made = &rotated.made;
        assert_eq!(
            (made.key["secret_key"].as_str(), made.policy_id.as_str()),
            (Some(KEY), POLICY)
        );
        assert!(rotated.old_key_error.is_none());
        assert_eq!(
            bodies(&c),
            [
                json!({ "application_id": APP, "description": "ci", "expires_at": "2027-01-31T12:00:00Z", "default_project_id": ID })
            ]
        );
        assert_eq!(sent(&c).len(), 4, "the old key stays");
    }

    #[test]
    fn rotating_deletes_the_old_key_when_asked_once_the_new_one_exists() {
        let c = client(rotation().answer(204, ""));
        let rotated = block_on(c.rotate_function_access_key(ACCESS, None, true)).unwrap();
        assert!(rotated.old_key_error.is_none());
        assert_eq!(
            sent(&c)[3..],
            [
                "POST /iam/v1alpha1/api-keys".to_string(),
                format!("DELETE /iam/v1alpha1/api-keys/{ACCESS}")
            ]
        );

        let refused = Script::default()
            .answer(200, &json!({ "access_key": ACCESS, "application_id": APP, "default_project_id": ID }).to_string())
            .answer(200, &json!({ "id": APP, "organization_id": ORG }).to_string())
            .answer(200, &json!({ "policies": [{ "id": POLICY }], "total_count": 1 }).to_string())
            .answer(400, r#"{"type":"invalid_arguments","details":[{"argument_name":"expires_at","reason":"constraint"}]}"#);
        let c = client(refused);
        assert!(block_on(c.rotate_function_access_key(ACCESS, None, true)).is_err());
        assert_eq!(
            sent(&c).len(),
            4,
            "the old key is kept when no new key was made"
        );
    }

    #[test]
    fn a_failed_deletion_of_the_old_key_still_gives_the_new_key_with_the_reason() {
        let denied = r#"{"type":"permissions_denied","message":"insufficient permissions","details":[{"resource":"api_key","action":"delete"}]}"#;
        let c = client(rotation().answer(403, denied));
        let rotated = block_on(c.rotate_function_access_key(ACCESS, None, true)).unwrap();
        assert_eq!(rotated.made.key["secret_key"].as_str(), Some(KEY));
        assert!(matches!(
            rotated.old_key_error,
            Some(Error::Api(ref e)) if e.status == 403
        ));
    }
}
