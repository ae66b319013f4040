//! The toolkit every domain builds its part of the API with: global ids, the request's
//! context, list filters, pagination, DataLoaders and nested pages, versioned updates. It
//! knows no domain; the schema that merges the domains is assembled in `crate::schema`.

/// Declares GraphQL types that wrap an entity model, each with `From<Model>`.
#[macro_export]
macro_rules! wraps {
    ($($(#[$meta:meta])* $ty:ident($model:path)),+ $(,)?) => {
        $(
            $(#[$meta])*
            pub struct $ty(pub $model);

            impl From<$model> for $ty {
                fn from(model: $model) -> Self {
                    Self(model)
                }
            }
        )+
    };
}

pub mod companion;
pub mod context;
pub mod eager;
pub mod filters;
pub mod ids;
pub mod loaders;
pub mod nested;
pub mod pagination;
pub mod payload;
pub mod per_parent;
pub mod readable;
pub mod scalars;
pub mod versioned;
