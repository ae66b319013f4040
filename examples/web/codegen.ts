import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for every operation in src/, from the schema Trellis serves (written by
// `cargo run -- export-schema`). A schema change that breaks an operation fails here.
const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // Upload: a file part of a GraphQL multipart request (the import mutations).
        scalars: { DateTime: "string", Date: "string", URL: "string", JSON: "unknown", Upload: "File" },
      },
    },
  },
  ignoreNoDocuments: false,
};

export default config;
