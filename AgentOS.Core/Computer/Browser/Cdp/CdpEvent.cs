using System.Text.Json;

namespace AgentOS.Computer.Browser.Cdp;

/// <summary>An event the browser sent: its method (<c>Page.loadEventFired</c>), its parameters, and the session it
/// came from (<see langword="null"/> for the browser's own events).</summary>
/// <param name="Method">The event's name, <c>Domain.event</c>.</param>
/// <param name="Params">Its parameters (an empty object when it had none); owned, valid after the handler returns.</param>
/// <param name="SessionId">The flat session it belongs to, or <see langword="null"/>.</param>
public sealed record CdpEvent(string Method, JsonElement Params, string? SessionId);
