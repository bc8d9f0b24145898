"""Channel adapters: turn platform payloads into InboundMessage and send OutboundMessage."""
