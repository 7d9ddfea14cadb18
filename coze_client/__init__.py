"""coze-client: async SDK for Coze and friends."""
