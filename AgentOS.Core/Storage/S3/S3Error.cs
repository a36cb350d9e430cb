using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace AgentOS.Storage.S3;

/// <summary>
/// An S3 error response (<c>&lt;Error&gt;&lt;Code&gt;…&lt;/Code&gt;&lt;Message&gt;…&lt;/Message&gt;&lt;/Error&gt;</c>) turned into the
/// storage error it means, with a message that says what to do.
/// </summary>
internal static class S3Error
{
    /// <summary>Reads the code and message of an error body; a body that is not S3 error XML (HEAD responses have
    /// none, proxies send HTML) yields the HTTP status as the code.</summary>
    public static (string Code, string Message) Parse(HttpStatusCode status, string body)
    {
        try
        {
            var root = XDocument.Parse(body).Root;
            if (root is not null && root.Name.LocalName == "Error")
            {
                return (Child(root, "Code") ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Child(root, "Message") ?? "");
            }
        }
        catch (XmlException)
        {
        }
        return (((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), status.ToString());
    }

    /// <summary>The storage error for an S3 failure of <paramref name="doing"/>.</summary>
    public static StorageException ToStorageException(HttpStatusCode status, string code, string message, string doing, string bucket)
    {
        string said = $"S3 answered {(int)status} {code}{(message.Length > 0 ? ": " + message : "")}";
        return code switch
        {
            "NoSuchBucket" => new StorageUnavailableException($"{doing} failed: bucket '{bucket}' does not exist ({said}). Create it, or set create_bucket in the S3 storage configuration."),
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "InvalidToken" or "ExpiredToken" or "AuthorizationHeaderMalformed" =>
                new StorageUnavailableException($"{doing} failed: the credentials were refused ({said}). Check the access key, secret and region."),
            "RequestTimeTooSkewed" => new StorageUnavailableException($"{doing} failed: this machine's clock is more than 15 minutes off the server's ({said}). Synchronise the clock (NTP)."),
            "PreconditionFailed" or "ConditionalRequestConflict" => new StorageFailedException($"{doing} failed: another writer is using this prefix ({said}). One process may write a store's prefix at a time; give each its own prefix."),
            "NotImplemented" => new StorageFailedException($"{doing} failed: the server does not implement this request ({said}). If it refuses conditional writes, set conditional_writes to false."),
            _ => new StorageFailedException($"{doing} failed ({said}). The change was not acknowledged; retry{((int)status >= 500 ? " (the server reported a fault of its own)" : "")}."),
        };
    }

    private static string? Child(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
