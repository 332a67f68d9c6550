import type {
  AppendBlockChildrenParameters,
  AppendBlockChildrenResponse,
  CreateFileUploadParameters,
  CreateFileUploadResponse,
  CreatePageParameters,
  CompleteFileUploadResponse,
  CreatePageResponse,
  GetDatabaseResponse,
  GetDataSourceResponse,
  GetFileUploadResponse,
  GetPageResponse,
  ListBlockChildrenResponse,
  OauthRevokeParameters,
  OauthRevokeResponse,
  OauthTokenParameters,
  OauthTokenResponse,
  QueryDataSourceParameters,
  QueryDataSourceResponse,
  SearchParameters,
  SearchResponse,
  SendFileUploadResponse,
  UpdatePageParameters,
  UpdatePageResponse,
} from "@notionhq/client";

/**
 * The Notion request and response bodies reelnotes exchanges, named from the SDK's own types
 * (the SDK's path and query parameters left out: they are not in the body). The JSON Schema in
 * schema.json is generated from this file with ts-json-schema-generator (scripts/generate-sdk-schemas.ts).
 */

/** POST /v1/pages */
export type CreatePageBody = Omit<CreatePageParameters, "filter_properties">;
/** PATCH /v1/blocks/{id}/children */
export type AppendBlockChildrenBody = Omit<AppendBlockChildrenParameters, "block_id">;
/** POST /v1/oauth/token */
export type OauthTokenBody = OauthTokenParameters;
/** POST /v1/oauth/revoke */
export type OauthRevokeBody = OauthRevokeParameters;
/** POST /v1/file_uploads */
export type CreateFileUploadBody = CreateFileUploadParameters;
/** POST /v1/data_sources/{id}/query */
export type QueryDataSourceBody = Omit<QueryDataSourceParameters, "data_source_id" | "filter_properties">;
/** POST /v1/search */
export type SearchBody = SearchParameters;

export type CreatePageAnswer = CreatePageResponse;
export type AppendBlockChildrenAnswer = AppendBlockChildrenResponse;
export type ListBlockChildrenAnswer = ListBlockChildrenResponse;
export type OauthTokenAnswer = OauthTokenResponse;
export type OauthRevokeAnswer = OauthRevokeResponse;
export type CreateFileUploadAnswer = CreateFileUploadResponse;
export type QueryDataSourceAnswer = QueryDataSourceResponse;
export type SearchAnswer = SearchResponse;
export type GetDataSourceAnswer = GetDataSourceResponse;
export type GetDatabaseAnswer = GetDatabaseResponse;
export type GetPageAnswer = GetPageResponse;
export type SendFileUploadAnswer = SendFileUploadResponse;
export type CompleteFileUploadAnswer = CompleteFileUploadResponse;
export type GetFileUploadAnswer = GetFileUploadResponse;
/** PATCH /v1/pages/{id} (a page moved to the trash when the person moves it to another database) */
export type UpdatePageBody = Omit<UpdatePageParameters, "page_id">;
export type UpdatePageAnswer = UpdatePageResponse;
