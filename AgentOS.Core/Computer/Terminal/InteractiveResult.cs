namespace AgentOS.Computer.Terminal;

/// <summary>What an interactive program printed since the previous exchange, and whether it still runs.</summary>
/// <param name="Output">The terminal's output since the previous exchange (echoed input included, as a person would
/// see it), cut at the session's output cap.</param>
/// <param name="Running">Whether the program still runs (false once it and everything holding its terminal ended).</param>
/// <param name="ExitCode">Its exit status once it has ended (128 + the signal when killed), else null.</param>
/// <param name="Matched">Whether the awaited text (<c>wait_for</c>) appeared.</param>
/// <param name="DroppedChars">Characters of output past the cap that were dropped since the previous exchange.</param>
/// <param name="Duration">How long this exchange waited.</param>
public sealed record InteractiveResult(string Output, bool Running, int? ExitCode, bool Matched, long DroppedChars, TimeSpan Duration);
