namespace AgentOS.Storage.S3;

/// <summary>One page of ListObjectsV2: its objects in key order, and the token for the next page when truncated.</summary>
internal sealed record S3ListPage(IReadOnlyList<S3Object> Objects, string? NextContinuationToken);
