namespace AgentOS.Tests.Storage;

/// <summary>
/// Where and how a contract test opens the backend under test. Opening twice with the same setup must reach the same
/// data (that is how persistence is checked). <paramref name="Directory"/> is a fresh folder under the system temp
/// folder for this test; <paramref name="Namespace"/> a unique name for backends that keep data elsewhere (an S3 key
/// prefix, say).
/// </summary>
public sealed record StorageTestSetup(string Directory, string Namespace, int VersionsKept, TimeProvider Time);
