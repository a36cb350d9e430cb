using AgentOS.Storage;

namespace AgentOS.Access;

/// <summary>Why an <see cref="AccessDecision"/> did not allow a request.</summary>
public enum DenialReason
{
    /// <summary>Not denied.</summary>
    None,

    /// <summary>The agent id is not registered.</summary>
    UnknownAgent,

    /// <summary>None of the agent's privilege groups grants this resource and operation (or the operation does not
    /// apply to the resource).</summary>
    NotGranted,

    /// <summary>The storage path is malformed or hostile (see <see cref="StorageKeyError"/>).</summary>
    InvalidPath,

    /// <summary>The calls or tokens budget of the current window is used up; see <see cref="AccessDecision.RetryAfter"/>.</summary>
    BudgetExceeded,

    /// <summary>The agent already has as many syscalls in flight as its groups allow.</summary>
    ConcurrencyLimit,

    /// <summary>The approver said no (or could not be asked, or did not answer in time).</summary>
    ApprovalDenied,

    /// <summary>The request is irreversible and needs approval, which only <see cref="AccessManager.AuthorizeAsync"/>
    /// can obtain. Returned by <see cref="AccessManager.Check"/>, which never waits; nothing was reserved.</summary>
    ApprovalRequired,
}
