//! `mutations!`: the fields of a root `Mutation` type. Each mutation is its documentation,
//! its name and its body; the macro writes the resolver around it:
//!
//! ```ignore
//! mutations! {
//!     impl AllianceMutation {
//!         /// Starts an alliance.
//!         fn create_alliance { create_alliance(ctx, input).await }
//!     }
//! }
//! ```
//!
//! becomes a field `createAlliance(input: CreateAllianceInput!): CreateAlliancePayload!`
//! answered by `CreateAlliancePayload::run(input, |input| async move { ... })` once a
//! service account calling has been checked against the mutations it may call
//! (`graphql::context::admit_mutation`); `run`
//! checks the input (`validation::input`) before the body runs and puts its user errors in
//! the payload. The body borrows `ctx` and owns `input`, and gives a `MutationResult` of the
//! payload's object. Input and payload are named after the mutation, as Relay's convention
//! has it; a mutation whose input differs names it: `fn sign_out(Option<SignOutInput>) {..}`.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Block, Ident, Token, Type, braced, parenthesized, parse_macro_input};

pub fn expand(item: TokenStream) -> TokenStream {
    let table = parse_macro_input!(item as MutationTable);
    let mutation = &table.mutation;
    let fields = table.fields.iter().map(Field::resolver);
    quote! {
        #[async_graphql::Object]
        impl #mutation {
            #(#fields)*
        }
    }
    .into()
}

struct MutationTable {
    mutation: Ident,
    fields: Vec<Field>,
}

struct Field {
    attributes: Vec<Attribute>,
    name: Ident,
    input: Option<Type>,
    body: Block,
}

impl Parse for MutationTable {
    fn parse(stream: ParseStream) -> syn::Result<Self> {
        stream.parse::<Token![impl]>()?;
        let mutation = stream.parse()?;
        let content;
        braced!(content in stream);
        let mut fields = Vec::new();
        while !content.is_empty() {
            fields.push(content.parse()?);
        }
        Ok(Self { mutation, fields })
    }
}

impl Parse for Field {
    fn parse(stream: ParseStream) -> syn::Result<Self> {
        let attributes = Attribute::parse_outer(stream)?;
        stream.parse::<Token![fn]>()?;
        let name = stream.parse()?;
        let input = if stream.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in stream);
            Some(content.parse()?)
        } else {
            None
        };
        let body = stream.parse()?;
        Ok(Self {
            attributes,
            name,
            input,
            body,
        })
    }
}

impl Field {
    fn resolver(&self) -> proc_macro2::TokenStream {
        let Field {
            attributes,
            name,
            input,
            body,
        } = self;
        let camel = upper_camel(&name.to_string());
        let payload = format_ident!("{camel}Payload");
        let input_type = match input {
            Some(input) => quote!(#input),
            None => {
                let named = format_ident!("{camel}Input");
                quote!(#named)
            }
        };
        // Spanned at the call site, so that the body sees them.
        let ctx = Ident::new("ctx", Span::call_site());
        let input = Ident::new("input", Span::call_site());
        quote! {
            #(#attributes)*
            async fn #name(
                &self,
                #ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "What the mutation is given; each field is described on the input type.")]
                #input: #input_type,
            ) -> async_graphql::Result<#payload> {
                crate::graphql::context::admit_mutation(#ctx, stringify!(#name)).await?;
                #payload::run(#input, |#input| async move #body).await
            }
        }
    }
}

fn upper_camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut letters = word.chars();
            letters.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(letters).collect()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::upper_camel;

    #[test]
    fn names_follow_the_field() {
        assert_eq!(upper_camel("sign_in"), "SignIn");
        assert_eq!(upper_camel("add_alliance_theme"), "AddAllianceTheme");
    }
}
