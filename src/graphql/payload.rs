//! A mutation's payload (`payload!`). Its field on the root `Mutation` type is declared
//! with `trellis_macros::mutations!`, which answers it with the payload's `run`: so every
//! mutation's input passes `validation::input` before the mutation runs, and its user
//! errors land in the payload.

/// Declares a mutation payload: the changed object (absent when nothing changed) and the
/// problems the user can fix.
///
/// `mutations!` answers each mutation's field with `Payload::run`: the mutation runs only
/// once its input passed `validation::input` (no control characters, no overlong lists), so
/// no mutation can forget those checks.
#[macro_export]
macro_rules! payload {
    // Several payloads of the same shape (a life cycle's steps): one each.
    ($first:ident, $($name:ident),+ { $field:ident : $ty:ty }) => {
        $crate::payload!($first { $field: $ty });
        $($crate::payload!($name { $field: $ty });)+
    };
    ($name:ident { $field:ident : $ty:ty }) => {
        $crate::payload!(
            /// What the mutation changed, or the problems that kept it from changing anything.
            $name { $field: $ty }
        );
    };
    ($(#[$meta:meta])+ $name:ident { $field:ident : $ty:ty }) => {
        $(#[$meta])+
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// As the mutation left it; `null` when `userErrors` is not empty.
            pub $field: Option<$ty>,
            /// Problems with the input that the user can put right; empty when the mutation
            /// succeeded. Nothing was changed when there are any.
            pub user_errors: Vec<$crate::errors::UserError>,
        }

        impl $name {
            pub async fn run<I, F>(
                input: I,
                mutation: impl FnOnce(I) -> F,
            ) -> async_graphql::Result<Self>
            where
                I: async_graphql::InputType,
                F: std::future::Future<Output = $crate::errors::MutationResult<$ty>>,
            {
                let result = match $crate::validation::input(&input) {
                    Ok(()) => mutation(input).await,
                    Err(errors) => Err($crate::errors::MutationError::User(errors)),
                };
                match result {
                    Ok(value) => Ok(Self { $field: Some(value), user_errors: Vec::new() }),
                    Err($crate::errors::MutationError::User(user_errors)) => {
                        Ok(Self { $field: None, user_errors })
                    }
                    Err($crate::errors::MutationError::Api(error)) => Err(error.into()),
                }
            }
        }
    };
}
