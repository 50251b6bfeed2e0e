//! AI models (R9.7): the models cataloged by imports (see import/), listed per project, and
//! each model with the generated assets whose parameters name it.

use atelier_catalog::{AssetSummary, ModelSummary};
use atelier_domain::ErrorCode;
use atelier_domain::InvalidInput;
use serde::Serialize;

use crate::organise::project_not_found;
use crate::{Acting, Result};

/// How many of a model's assets a model page lists.
const MODEL_ASSETS: usize = 500;

/// A model and the assets made with it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelDetail {
    /// The model.
    #[serde(flatten)]
    pub model: ModelSummary,
    /// Generated assets whose parameters name it (by hash or name), newest first (at most 500;
    /// `model.uses` is the total).
    pub assets: Vec<AssetSummary>,
}

impl Acting<'_> {
    /// The cataloged models, by name; only those of `project` when given.
    pub fn models(&self, project: Option<&str>) -> Result<Vec<ModelSummary>> {
        let row = match project {
            Some(name) => Some(
                self.catalog()
                    .find_project(self.user, name)?
                    .ok_or_else(|| project_not_found(name))?,
            ),
            None => None,
        };
        let scope = self.scope()?;
        Ok(self.catalog().models(row, &scope)?)
    }

    /// One model by id or file name, with the assets made with it.
    pub fn model(&self, id_or_name: &str) -> Result<ModelDetail> {
        let scope = self.scope()?;
        let found = self.catalog().model(id_or_name.trim(), MODEL_ASSETS, &scope)?;
        let (model, assets) = found.ok_or_else(|| {
            InvalidInput::new(
                ErrorCode::ModelNotFound,
                format!("no model '{id_or_name}': give a model id or file name (see `atelier model list`)"),
            )
        })?;
        Ok(ModelDetail { model, assets })
    }
}
