//! `#[fields(..)]`: the fields of a `wraps!` type that show a column of its row as it is,
//! declared one line each instead of one method each. Written above `#[Object]` (and
//! `#[connections]`), it adds their methods at the head of the impl, whose own methods are
//! left for the fields it computes:
//!
//! ```ignore
//! #[fields(
//!     /// The offer's global id.
//!     id = NodeKind::SupportOffer,
//!     /// A short name of the strength.
//!     title: &str,
//!     /// What changed, if anything was written.
//!     closing_note: Option<&str>,
//!     /// Where the offer stands.
//!     status: SupportOfferStatus,
//!     /// Who posted it, if the caller may see them.
//!     created_by: Person = person(created_by_id),
//! )]
//! #[Object]
//! impl SupportOffer { /* computed fields */ }
//! ```
//!
//! Each entry's attributes (its `///` lines: the field's description) go on its method.
//! The forms, for a column `c` of the row `self.0`:
//!
//! | entry | field's value |
//! | --- | --- |
//! | `id = NodeKind::X` | `NodeKind::X.id(self.0.id)`, an `ID` (a `pub` method: nodes call it) |
//! | `c: &str` (any reference) | `&self.0.c` |
//! | `c: Option<&str>` | `self.0.c.as_deref()` |
//! | `c: T` | `self.0.c` (`T` is `Copy`: enums, numbers, dates, flags) |
//! | `name: Person = person(c)` | `people::person_of`: the person if the caller sees them |
//! | `name: School = school(c)` | `schools::school_of`: the school, `null` when `c` is |
//! | `name: Alliance = alliance(c)` | `alliances::visible_alliance`: the alliance if the caller sees it, `null` when `c` is |
//! | `name: Vec<Theme> = themes(c)` | `themes::themes_of`: the themes of the keys in `c` that the caller sees |
//!
//! `c` of `person`, `school` and `alliance` is an id or an optional one. Anything else is
//! refused at the entry, so that a field that computes something stays a method to read.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, GenericArgument, Ident, ImplItem, ItemImpl, Path, PathArguments, Token, Type,
    parenthesized,
};

pub fn expand(attribute: TokenStream, item: TokenStream) -> TokenStream {
    expand_tokens(attribute.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand_tokens(attribute: Tokens, item: Tokens) -> syn::Result<Tokens> {
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated.parse2(attribute)?;
    let mut block: ItemImpl = syn::parse2(item)?;
    let methods = entries
        .iter()
        .map(|entry| syn::parse2::<ImplItem>(entry.method()))
        .collect::<syn::Result<Vec<_>>>()?;
    block.items.splice(0..0, methods);
    Ok(quote!(#block))
}

struct Entry {
    attributes: Vec<Attribute>,
    name: Ident,
    value: Value,
}

enum Value {
    /// `id = NodeKind::X`
    Id(Path),
    /// `c: T`
    Column(Type),
    /// `name: T = relation(c)`
    Related {
        ty: Type,
        relation: Relation,
        column: Ident,
    },
}

enum Relation {
    Person,
    School,
    Alliance,
    Themes,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attributes = input.call(Attribute::parse_outer)?;
        let name: Ident = input.parse()?;
        if input.peek(Token![=]) {
            if name != "id" {
                return Err(syn::Error::new(
                    name.span(),
                    "only `id = NodeKind::X` takes a value without a type; write `name: Type`",
                ));
            }
            input.parse::<Token![=]>()?;
            let kind = input.parse()?;
            return Ok(Entry {
                attributes,
                name,
                value: Value::Id(kind),
            });
        }
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        if !input.peek(Token![=]) {
            return Ok(Entry {
                attributes,
                name,
                value: Value::Column(ty),
            });
        }
        input.parse::<Token![=]>()?;
        let function: Ident = input.parse()?;
        let relation = match function.to_string().as_str() {
            "person" => Relation::Person,
            "school" => Relation::School,
            "alliance" => Relation::Alliance,
            "themes" => Relation::Themes,
            _ => {
                return Err(syn::Error::new(
                    function.span(),
                    "a field is `person(c)`, `school(c)`, `alliance(c)` or `themes(c)`; \
                     write anything else as a method",
                ));
            }
        };
        let arguments;
        parenthesized!(arguments in input);
        let column = arguments.parse()?;
        if !arguments.is_empty() {
            return Err(arguments.error("one column of the row, such as `created_by_id`"));
        }
        Ok(Entry {
            attributes,
            name,
            value: Value::Related {
                ty,
                relation,
                column,
            },
        })
    }
}

impl Entry {
    fn method(&self) -> Tokens {
        let Entry {
            attributes, name, ..
        } = self;
        match &self.value {
            Value::Id(kind) => quote! {
                #(#attributes)*
                pub async fn #name(&self) -> async_graphql::ID {
                    #kind.id(self.0.id)
                }
            },
            Value::Column(ty) => {
                let value = if matches!(ty, Type::Reference(_)) {
                    quote!(&self.0.#name)
                } else if is_optional_reference(ty) {
                    quote!(self.0.#name.as_deref())
                } else {
                    quote!(self.0.#name)
                };
                quote! {
                    #(#attributes)*
                    async fn #name(&self) -> #ty {
                        #value
                    }
                }
            }
            Value::Related {
                ty,
                relation,
                column,
            } => {
                let (answer, value) = match relation {
                    Relation::Person => (
                        quote!(Option<#ty>),
                        quote!(crate::people::person_of(ctx, self.0.#column.into()).await),
                    ),
                    Relation::School => (
                        quote!(Option<#ty>),
                        quote!(crate::schools::school_of(ctx, self.0.#column.into()).await),
                    ),
                    Relation::Alliance => (
                        quote!(Option<#ty>),
                        quote! {
                            let id: Option<i32> = self.0.#column.into();
                            match id {
                                Some(id) => Ok(crate::alliances::visible_alliance(ctx, id).await?),
                                None => Ok(None),
                            }
                        },
                    ),
                    Relation::Themes => (
                        quote!(#ty),
                        quote!(crate::themes::themes_of(ctx, &self.0.#column).await),
                    ),
                };
                quote! {
                    #(#attributes)*
                    async fn #name(
                        &self,
                        ctx: &async_graphql::Context<'_>,
                    ) -> async_graphql::Result<#answer> {
                        #value
                    }
                }
            }
        }
    }
}

/// `Option<&T>`: the column is an `Option<String>` (or the like) shown borrowed.
fn is_optional_reference(ty: &Type) -> bool {
    let Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return false;
    };
    last.ident == "Option"
        && matches!(
            arguments.args.first(),
            Some(GenericArgument::Type(Type::Reference(_)))
        )
}

#[cfg(test)]
mod tests {
    use super::expand_tokens;
    use quote::quote;

    fn expanded(attribute: proc_macro2::TokenStream) -> String {
        let item = quote!(
            #[Object]
            impl Offer {
                async fn computed(&self) -> i32 {
                    1
                }
            }
        );
        match expand_tokens(attribute, item) {
            // Without spaces: how tokens are spaced when printed (`> >` or `>>`) is not
            // what these tests are about, and differs with how they were made.
            Ok(tokens) => tokens.to_string().replace(' ', ""),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn columns_become_methods_ahead_of_the_impls_own() {
        let code = expanded(quote!(
            /// The id.
            id = NodeKind::Offer,
            /// The title.
            title: &str,
            note: Option<&str>,
            status: OfferStatus,
        ));
        for expected in [
            quote!(
                #[doc = r" The id."]
                pub async fn id(&self) -> async_graphql::ID {
                    NodeKind::Offer.id(self.0.id)
                }
            ),
            quote!(
                #[doc = r" The title."]
                async fn title(&self) -> &str {
                    &self.0.title
                }
            ),
            quote!(
                async fn note(&self) -> Option<&str> {
                    self.0.note.as_deref()
                }
            ),
            quote!(
                async fn status(&self) -> OfferStatus {
                    self.0.status
                }
            ),
        ] {
            let expected = expected.to_string().replace(' ', "");
            assert!(code.contains(&expected), "{expected}\nnot in\n{code}");
        }
        assert!(code.find("fnstatus").unwrap() < code.find("fncomputed").unwrap());
    }

    #[test]
    fn relations_load_what_the_caller_sees() {
        let code = expanded(quote!(
            created_by: Person = person(created_by_id),
            school: School = school(school_id),
            alliance: Alliance = alliance(alliance_id),
            themes: Vec<Theme> = themes(theme_keys),
        ));
        for expected in [
            quote!(async_graphql::Result<Option<Person>>),
            quote!(crate::people::person_of(ctx, self.0.created_by_id.into()).await),
            quote!(crate::schools::school_of(ctx, self.0.school_id.into()).await),
            quote!(let id: Option<i32> = self.0.alliance_id.into();),
            quote!(Some(id) => Ok(crate::alliances::visible_alliance(ctx, id).await?)),
            quote!(async_graphql::Result<Vec<Theme>>),
            quote!(crate::themes::themes_of(ctx, &self.0.theme_keys).await),
        ] {
            let expected = expected.to_string().replace(' ', "");
            assert!(code.contains(&expected), "{expected}\nnot in\n{code}");
        }
    }

    #[test]
    fn other_forms_are_refused_at_the_entry() {
        for (attribute, refusal) in [
            (quote!(name = NodeKind::X), "only `id = NodeKind::X`"),
            (
                quote!(owner: Person = owner_of(owner_id)),
                "write anything else",
            ),
            (quote!(owner: Person = person(a, b)), "one column"),
            (quote!(stamps), "expected `:`"),
        ] {
            let code = expanded(attribute);
            assert!(code.contains(refusal), "{refusal} not in {code}");
        }
    }
}
