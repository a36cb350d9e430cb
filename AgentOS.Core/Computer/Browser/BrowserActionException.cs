namespace AgentOS.Computer.Browser;

/// <summary>An action the browser could not do for a reason the model should read (a refused URL, an element that is
/// gone, a tab that does not exist); the tool turns it into an error result with <see cref="Code"/>.</summary>
internal sealed class BrowserActionException(string code, string message) : Exception(message)
{
    /// <summary>The stable error code: url_refused, refused_by_proxy, navigation_failed, no_such_element,
    /// not_a_select, no_such_option, no_such_tab, too_many_tabs, unknown_key, timeout, script_error.</summary>
    public string Code => code;
}
